import { Type } from '@sinclair/typebox';
import { WebhookEventSchema, type WebhookEvent } from './events';

/**
 * What the kit checks of an inbox job: a batch of events, or one bare event as releases before batching wrote them
 * (so an inbox that was not empty at the upgrade, and its dead letters, still go out). The router checks each event
 * of a batch against WebhookEventSchema itself, so that one bad event is dead-lettered alone, not with its batch.
 */
export const InboxJobSchema = Type.Union([
  Type.Object({ events: Type.Array(Type.Unknown(), { minItems: 1 }) }),
  WebhookEventSchema,
]);

/** One inbox job as the ingress writes it: the deliveries accepted together, in one transaction with their claims. */
export interface InboxBatch {
  events: WebhookEvent[];
}
export type InboxJob = InboxBatch | WebhookEvent;

export const inboxEvents = (job: InboxJob): WebhookEvent[] => ('events' in job ? job.events : [job]);

/** Job name of every inbox batch. */
export const INBOX_BATCH = 'deliveries';

/** Redis key of a dedup claim: it holds the delivery id of the first copy for the dedup window. */
export const dedupClaimKey = (prefix: string, dedupId: string) => `${prefix}:inbox-dedup:${dedupId}`;

/**
 * Redis hash of an inbox batch's copies: delivery id → the delivery id of the first copy, for each delivery of the
 * batch whose claim was already held when the batch was written. The router fans out every other delivery.
 */
export const inboxCopiesKey = (prefix: string, batchId: string) => `${prefix}:inbox-copies:${batchId}`;
