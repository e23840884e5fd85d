import { createHash } from 'node:crypto';

/**
 * The header worker-email puts on every email, naming the deliveries it carries (delivery ids are UUIDs, so a
 * comma separates them safely): tests, the chaos run and the benchmark's SMTP sink count deliveries by it. With
 * the Message-ID below, how the mail of a delivery is found again.
 */
export const EMAIL_DELIVERY_HEADER = 'X-Herohooks-Delivery';

/** `id` for one delivery; `id1, id2, …` for several in one email. */
export function emailDeliveryHeader(deliveryIds: readonly string[]): string {
  return deliveryIds.join(', ');
}

/** The delivery ids a header value names (unfolded or not). */
export function emailDeliveryIds(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
}

/**
 * `<{deliveryId}@herohooks>`, or for an email carrying several deliveries `<deliveries-{hash of their ids}@herohooks>`:
 * the same deliveries always make the same Message-ID, so mail clients can dedupe.
 */
export function emailMessageId(deliveryIds: readonly string[]): string {
  const local =
    deliveryIds.length === 1
      ? deliveryIds[0]!
      : `deliveries-${createHash('sha256').update(deliveryIds.join('\n')).digest('hex').slice(0, 32)}`;
  return `<${local.replace(/[^A-Za-z0-9._-]/g, '_')}@herohooks>`;
}
