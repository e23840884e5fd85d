import type { TSchema } from '@sinclair/typebox';
import { DeadLetterAlertSchema } from './alerts';
import { WebhookEventSchema } from './events';
import { InboxJobSchema } from './inbox';
import { TrackingQueueJobSchema } from './tracking';
import { webhookTypes, type WebhookType } from './webhooks/types';

/** Exponential backoff with jitter: delay * 2^(attempt-1), randomised by up to `jitter` of itself. */
export interface RetryPolicy {
  attempts: number;
  backoff: { type: 'exponential'; delay: number; jitter: number };
}

export interface ConsumerDefinition {
  /** BullMQ queue the consumer reads. */
  queue: string;
  /** Where jobs go after their last attempt or a permanent error. */
  deadLetterQueue: string;
  /**
   * Schema of one job's data, or of each event of a batched job; data (or an event) that does not match fails
   * permanently.
   */
  schema: TSchema;
  /**
   * The router writes this consumer's jobs as batches (`{events}`: the events of one inbox batch routed to it), and
   * the kit hands the handler one event at a time, with retries, dead letters and done marks per event. A bare
   * event (a replayed dead letter) is a batch of one. True exactly for the routed consumers.
   */
  batched: boolean;
  retry: RetryPolicy;
  /** Webhook types the router sends to this consumer unless ROUTE_<NAME> says otherwise; null = not routed. */
  defaultTypes: readonly WebhookType[] | null;
  /** How many completed jobs the queue keeps for inspection (at most an hour); failed ones are kept longer. */
  keepCompleted: number;
}

// 13 attempts from 1 s doubling (jitter: each wait is 50–100 % of its step) ride out a remote outage of roughly
// 35–70 minutes before a job is dead-lettered; a replay covers anything longer.
const standardRetry: RetryPolicy = { attempts: 13, backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 } };

// Completed jobs are only there to be looked at (the ledger is the record): the last thousand per queue are enough,
// and the cap keeps Redis memory flat under sustained load instead of growing with an hour of traffic. A batch job
// (inbox, routed consumers) holds up to 256 deliveries, so only the last hundred of those are kept.
const KEEP_COMPLETED = 1_000;
const KEEP_COMPLETED_BATCHES = 100;

function consumer(
  name: string,
  schema: TSchema,
  defaultTypes: readonly WebhookType[] | null,
  overrides: Partial<Pick<ConsumerDefinition, 'retry' | 'keepCompleted'>> = {},
): ConsumerDefinition {
  const batched = defaultTypes !== null;
  const { retry = standardRetry, keepCompleted = batched ? KEEP_COMPLETED_BATCHES : KEEP_COMPLETED } = overrides;
  return { queue: name, deadLetterQueue: `${name}-dlq`, schema, retry, defaultTypes, keepCompleted, batched };
}

/**
 * Every queue of the pipeline, declared once. A new consumer is one entry here and one folder in apps/.
 * The inbox holds the accepted deliveries in batches (one job per ingress write); the router fans each batch out to
 * the webhook consumers, one batch job per consumer holding the batch's events routed to it.
 */
export const catalog = {
  inbox: consumer('inbox', InboxJobSchema, null, {
    retry: { attempts: 25, backoff: { type: 'exponential', delay: 250, jitter: 0.5 } },
    keepCompleted: KEEP_COMPLETED_BATCHES,
  }),
  ledger: consumer('ledger', WebhookEventSchema, webhookTypes),
  slack: consumer('slack', WebhookEventSchema, webhookTypes),
  email: consumer('email', WebhookEventSchema, ['new_payout_request', 'new_max_bid', 'new_influencer_reply']),
  tracking: consumer('tracking', TrackingQueueJobSchema, null),
  alerts: consumer('alerts', DeadLetterAlertSchema, null),
  // new consumers go above this line (pnpm new:worker adds them here)
} as const satisfies Record<string, ConsumerDefinition>;

export type ConsumerName = keyof typeof catalog;
export const consumerNames = Object.keys(catalog) as ConsumerName[];

/** Consumers the router fans webhook events out to. */
export const webhookConsumers = consumerNames.filter((name) => catalog[name].defaultTypes !== null);

/** BullMQ job options for adding a job to a consumer's queue; retention keeps Redis memory flat. */
export function jobOptions(definition: ConsumerDefinition, jobId: string) {
  return {
    jobId,
    attempts: definition.retry.attempts,
    backoff: definition.retry.backoff,
    removeOnComplete: { age: 3_600, count: definition.keepCompleted },
    removeOnFail: { age: 7 * 24 * 3_600, count: 50_000 },
  };
}
