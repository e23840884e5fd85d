/**
 * The header worker-email puts on every email, naming the deliveries it carries (delivery ids are UUIDs, so a
 * comma separates them safely): tests, the chaos run and the benchmark's SMTP sink count deliveries by it.
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
