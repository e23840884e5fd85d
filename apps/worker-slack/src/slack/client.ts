import { LogLevel, WebClient } from '@slack/web-api';
import { keepAliveFetch } from './keep-alive-fetch';

/**
 * A WebClient that never waits on its own: a 429 is rejected at once (the queue pauses for Retry-After instead
 * of the client holding a worker slot for up to half an hour) and failures are not retried here (the queue
 * retries with backoff and dead-letters).
 */
export function createSlackClient(token: string | undefined, apiUrl: string): WebClient {
  return new WebClient(token, {
    slackApiUrl: apiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 10_000,
    fetch: keepAliveFetch(),
    // Failures are classified and logged by the worker; the client's own console lines would repeat them.
    logLevel: LogLevel.ERROR,
  });
}
