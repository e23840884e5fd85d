import type { WebhookEvent } from '@herohooks/contracts';
import type { SendMailOptions } from 'nodemailer';
import type { RenderedEmail } from './render/index';
import { headerText } from './render/safe';

/** `<{deliveryId}@herohooks>`: the same delivery always has the same Message-ID, so mail clients can dedupe. */
export function messageIdOf(deliveryId: string): string {
  return `<${deliveryId.replace(/[^A-Za-z0-9._-]/g, '_')}@herohooks>`;
}

/** One rendered email as nodemailer sends it. Every header value here is single-line by construction. */
export function mailOptionsOf(
  event: WebhookEvent,
  email: RenderedEmail,
  addresses: { from: string; to: readonly string[] },
): SendMailOptions {
  return {
    from: addresses.from,
    to: [...addresses.to],
    subject: email.subject,
    text: email.text,
    html: email.html,
    messageId: messageIdOf(event.deliveryId),
    headers: { 'X-Herohooks-Delivery': headerText(event.deliveryId) },
  };
}
