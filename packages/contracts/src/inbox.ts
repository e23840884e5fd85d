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

/**
 * A batch of deliveries in one job: an inbox job as the ingress writes it (the deliveries accepted together, in one
 * transaction with their claims), and a routed consumer's job as the router writes it (the events of one inbox batch
 * routed to that consumer).
 */
export interface InboxBatch {
  events: WebhookEvent[];
}
export type InboxJob = InboxBatch | WebhookEvent;

export const inboxEvents = (job: InboxJob): WebhookEvent[] => ('events' in job ? job.events : [job]);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** `value[field]` when value is an object and that field a string; otherwise undefined (for data not trusted yet). */
export const stringFieldOf = (value: unknown, field: string): string | undefined => {
  const found = isObject(value) ? value[field] : undefined;
  return typeof found === 'string' ? found : undefined;
};

/**
 * The events of a batch job (`{events: [...]}` with at least one), read without trusting their shape; undefined for
 * any other data, which is then one bare job.
 */
export function batchItems(data: unknown): unknown[] | undefined {
  if (!isObject(data) || !Array.isArray(data.events) || data.events.length === 0) return undefined;
  return data.events;
}

/**
 * The delivery ids an inbox job holds, read without trusting its shape: for dead letters and alerts, which is where
 * malformed jobs end up. Data or events that are not objects, or have no string deliveryId, are skipped.
 */
export function inboxDeliveryIds(data: unknown): string[] {
  if (!isObject(data)) return [];
  const events: unknown = 'events' in data ? data.events : [data];
  if (!Array.isArray(events)) return [];
  return events.flatMap((event) => stringFieldOf(event, 'deliveryId') ?? []);
}

/** Job name of every batch job (inbox and routed consumers). */
export const INBOX_BATCH = 'deliveries';

/** Redis key of a dedup claim: it holds the delivery id of the first copy for the dedup window. */
export const dedupClaimKey = (prefix: string, dedupId: string) => `${prefix}:inbox-dedup:${dedupId}`;

/**
 * Redis hash of an inbox batch's copies: delivery id → the delivery id of the first copy, for each delivery of the
 * batch whose claim was already held when the batch was written. The router fans out every other delivery.
 */
export const inboxCopiesKey = (prefix: string, batchId: string) => `${prefix}:inbox-copies:${batchId}`;
