import type { WebhookEvent } from '@herohooks/contracts';

/**
 * An event's JSON with its payload as the text JSON.parse accepted (the body's bytes decoded, a byte order mark
 * dropped), not parsed and written out again. Readers that keep the last of duplicate keys, as JSON.parse does,
 * get the value that was checked. The text must be exactly what parsed: anything else could make the whole batch
 * unreadable.
 */
export function eventJson(event: WebhookEvent, payloadText: string): string {
  const { payload: _parsed, ...envelope } = event;
  return `${JSON.stringify(envelope).slice(0, -1)},"payload":${payloadText}}`;
}

/** An InboxBatch's JSON, `{"events": [...]}`, from each event and the text its payload was parsed from. */
export function inboxBatchJson(deliveries: readonly { event: WebhookEvent; payloadText: string }[]): string {
  return `{"events":[${deliveries.map((delivery) => eventJson(delivery.event, delivery.payloadText)).join(',')}]}`;
}
