import { PermanentError, RateLimitError } from '@herohooks/worker-kit';
import type { CallOutcome } from './call-outcome';

/** A call that did not go through but may be repeated (5xx, network): the kit retries it with backoff. */
export class InfluencerHeroUnavailableError extends Error {
  override readonly name = 'InfluencerHeroUnavailableError';
}

type Failed = Exclude<CallOutcome, { kind: 'accepted' }>;

/** The kit error for a failed call that is safe to repeat (every referral call; a click call that was not booked). */
export function failureOf(outcome: Failed): Error {
  switch (outcome.kind) {
    case 'rate_limited':
      return new RateLimitError(`Influencer Hero rate limit: retry after ${outcome.delayMs} ms`, outcome.delayMs);
    case 'rejected':
      return new PermanentError(`Influencer Hero answered ${outcome.status}: ${outcome.message}`, {
        reason: outcome.message,
      });
    case 'server_error':
      return new InfluencerHeroUnavailableError(`Influencer Hero answered ${outcome.status}: ${outcome.message}`);
    case 'not_sent':
    case 'unknown':
      return new InfluencerHeroUnavailableError(`Influencer Hero not reached (${outcome.cause})`);
  }
}

/**
 * Whether an additive call may have been counted although we did not get a success: the request may have gone out
 * (timeout, reset), or a 5xx other than 503 — 503 Service Unavailable says the request was not handled.
 */
export function mayHaveBeenBooked(outcome: Failed): boolean {
  return outcome.kind === 'unknown' || (outcome.kind === 'server_error' && outcome.status !== 503);
}
