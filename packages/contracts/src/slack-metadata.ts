/**
 * The metadata worker-slack puts on every message it posts, naming the deliveries the message carries: a later
 * attempt finds its delivery's post by it (channel history), and tests and the benchmark's stub count by it.
 */
export const SLACK_DELIVERY_EVENT_TYPE = 'herohooks_delivery';

/** Within what Slack takes as an event payload: strings, and arrays of objects of strings. */
type DeliveryPayload = Record<string, string | Array<Record<string, string>>>;

/** One delivery: `{ delivery_id }`; several in one message: `{ deliveries: [{ delivery_id }, …] }`. */
export function slackDeliveryMetadata(deliveryIds: readonly string[]): { event_type: string; event_payload: DeliveryPayload } {
  const event_payload: DeliveryPayload =
    deliveryIds.length === 1
      ? { delivery_id: deliveryIds[0]! }
      : { deliveries: deliveryIds.map((id) => ({ delivery_id: id })) };
  return { event_type: SLACK_DELIVERY_EVENT_TYPE, event_payload };
}

/** The delivery ids a message's metadata names (none when it is not ours). */
export function slackDeliveryIds(metadata: unknown): string[] {
  const { event_type, event_payload } = (metadata ?? {}) as { event_type?: unknown; event_payload?: unknown };
  if (event_type !== SLACK_DELIVERY_EVENT_TYPE) return [];
  const payload = (event_payload ?? {}) as { delivery_id?: unknown; deliveries?: unknown };
  if (typeof payload.delivery_id === 'string') return [payload.delivery_id];
  if (!Array.isArray(payload.deliveries)) return [];
  return payload.deliveries.flatMap((entry: { delivery_id?: unknown } | null) =>
    typeof entry?.delivery_id === 'string' ? [entry.delivery_id] : [],
  );
}
