import { EMAIL_DELIVERY_HEADER, emailDeliveryHeader, emailMessageId, type WebhookEvent } from '@herohooks/contracts';
import type { SendMailOptions } from 'nodemailer';
import type { RenderedEmail } from './render/index';
import { headerText } from './render/safe';

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
    messageId: emailMessageId(deliveryIds),
    headers: { [EMAIL_DELIVERY_HEADER]: emailDeliveryHeader(deliveryIds.map((id) => headerText(id))) },
  };
}
