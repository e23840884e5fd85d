import type { WebhookEvent } from '@herohooks/contracts';
import type { JobContext } from '@herohooks/worker-kit';
import nodemailer from 'nodemailer';
import type { SmtpSettings } from './env';
import { mailOptionsOf } from './message';
import type { RenderedEmail } from './render/index';
import { classifySmtpError } from './smtp-errors';

/** Where a rendered, addressed email goes: an SMTP server, or (dry-run) the log. */
export interface Delivery {
  send(event: WebhookEvent, email: RenderedEmail, to: readonly string[], ctx: JobContext): Promise<void>;
  close(): Promise<void>;
}

/**
 * A pooled SMTP transport: smtp:// upgrades with STARTTLS when the server offers it, smtps:// is TLS from the
 * start. Timeouts are far below nodemailer's defaults (2 min connect, 10 min socket) so a dead server costs an
 * attempt quickly and the kit's backoff takes over.
 */
export function smtpDelivery(smtp: SmtpSettings): Delivery {
  const transport = nodemailer.createTransport({
    url: smtp.url,
    pool: true,
    maxConnections: 5,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
    logger: false,
  });
  return {
    async send(event, email, to, ctx) {
      const info = await transport
        .sendMail(mailOptionsOf(event, email, { from: smtp.from, to }))
        .catch((error: unknown) => {
          throw classifySmtpError(error);
        });
      const rejected = info.rejected.length;
      ctx.log[rejected > 0 ? 'warn' : 'info']({ messageId: info.messageId, accepted: info.accepted.length, rejected }, 'email sent');
    },
    async close() {
      transport.close();
    },
  };
}

/** Dry-run: the subject and recipients are logged (never the body), and the job completes. */
export const dryRunDelivery: Delivery = {
  async send(_event, email, to, ctx) {
    // ctx.log already carries the delivery id.
    ctx.log.info({ subject: email.subject, to }, 'dry-run: email rendered, not sent');
  },
  async close() {},
};
