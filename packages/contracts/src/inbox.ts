import { Type, type Static } from '@sinclair/typebox';
import { WebhookEventSchema, type WebhookEvent } from './events';

/**
 * One accepted delivery as the ingress writes it to the inbox: the event and the dedup id it claimed. The router
 * fans it out only while the claim holds its delivery id (a second copy in the same or another batch claimed
 * nothing: its claim names the first copy). A delivery without a dedup id (replays, bulk loads) is fanned out as is.
 */
export const InboxDeliverySchema = Type.Object({
  event: WebhookEventSchema,
  dedupId: Type.Optional(Type.String({ minLength: 1 })),
});

/** One inbox job: the deliveries the ingress accepted together, written in one transaction with their claims. */
export const InboxBatchSchema = Type.Object({ deliveries: Type.Array(InboxDeliverySchema, { minItems: 1 }) });

export type InboxDelivery = Omit<Static<typeof InboxDeliverySchema>, 'event'> & { event: WebhookEvent };
export interface InboxBatch {
  deliveries: InboxDelivery[];
}

/** Job name of every inbox batch. */
export const INBOX_BATCH = 'deliveries';

/** Redis key of a dedup claim: it holds the delivery id of the first copy for the dedup window. */
export const dedupClaimKey = (prefix: string, dedupId: string) => `${prefix}:inbox-dedup:${dedupId}`;

/**
 * The deliveries of a batch that are first copies, given the holder of each claimed delivery's dedup key (in the
 * order of `claimedOf(deliveries)`, null when absent). A claim that has expired (a backlog older than the dedup
 * window) no longer tells, so its delivery counts as a first copy.
 */
export function firstCopies(deliveries: InboxDelivery[], holders: (string | null)[]): InboxDelivery[] {
  const claimed = claimedOf(deliveries);
  const copies = new Set(claimed.filter((d, i) => holders[i] != null && holders[i] !== d.event.deliveryId));
  return deliveries.filter((delivery) => !copies.has(delivery));
}

/** The deliveries that carry a dedup claim, in order. */
export const claimedOf = (deliveries: InboxDelivery[]) => deliveries.filter((d) => d.dedupId !== undefined);
