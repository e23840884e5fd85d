import { webhookSchemas, type WebhookEvent } from '@herohooks/contracts';
import { PermanentError, type ConsumerHandler } from '@herohooks/worker-kit';
import { Value } from '@sinclair/typebox/value';
import type { Delivery } from './delivery';
import type { RecipientTable } from './env';
import { createMailer, type MailerOptions } from './mailer';

/**
 * The email consumer: check the payload against its type's schema, then mail it to the type's recipients (with
 * the deliveries handed over together, see createMailer).
 * 'done-mark' idempotency: the kit skips a delivery already mailed, so a redelivered or replayed job mails once.
 */
export function emailHandler(
  recipients: RecipientTable,
  delivery: Delivery,
  options: MailerOptions,
): ConsumerHandler<WebhookEvent> {
  const mailer = createMailer(delivery, options);
  return {
    consumer: 'email',
    idempotency: 'done-mark',
    async handle(event, ctx) {
      // The kit checks the event envelope only; templates rely on the payload's own schema.
      if (!Value.Check(webhookSchemas[event.type], event.payload)) {
        throw new PermanentError(`payload does not match the ${event.type} schema`, { reason: 'invalid_payload' });
      }
      await mailer.mail(event, recipients[event.type], ctx);
    },
    close: () => delivery.close(),
  };
}
