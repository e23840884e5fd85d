import { createHash } from 'node:crypto';
import { EMAIL_DELIVERY_HEADER, emailDeliveryHeader, type WebhookEvent } from '@herohooks/contracts';
import type { SendMailOptions } from 'nodemailer';
import type { RenderedEmail } from './render/index';
import { headerText } from './render/safe';

/**
 * `<{deliveryId}@herohooks>`, or for an email carrying several deliveries `<deliveries-{hash of their ids}@herohooks>`:
 * the same deliveries always make the same Message-ID, so mail clients can dedupe.
 */
export function messageIdOf(deliveryIds: readonly string[]): string {
  const local =
    deliveryIds.length === 1
      ? deliveryIds[0]!
      : `deliveries-${createHash('sha256').update(deliveryIds.join('\n')).digest('hex').slice(0, 32)}`;
  return `<${local.replace(/[^A-Za-z0-9._-]/g, '_')}@herohooks>`;
}

/** One rendered email as nodemailer sends it. Every header value here is single-line by construction. */
export function mailOptionsOf(
  events: readonly WebhookEvent[],
  email: RenderedEmail,
  addresses: { from: string; to: readonly string[] },
): SendMailOptions {
  const deliveryIds = events.map((event) => event.deliveryId);
  return {
    from: addresses.from,
    to: [...addresses.to],
    subject: email.subject,
    text: email.text,
    html: email.html,
    messageId: messageIdOf(deliveryIds),
    headers: { [EMAIL_DELIVERY_HEADER]: emailDeliveryHeader(deliveryIds.map((id) => headerText(id))) },
  };
}
