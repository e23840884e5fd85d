import type { WebhookEvent } from '@herohooks/contracts';
import type { JobContext } from '@herohooks/worker-kit';
import nodemailer from 'nodemailer';
import type { SmtpSettings } from './env';
import { mailOptionsOf } from './message';
import type { RenderedEmail } from './render/index';
import { classifySmtpError } from './smtp-errors';

/** One email: the deliveries it carries (most often one), rendered, and who gets it. */
export interface Mail {
  events: readonly WebhookEvent[];
  email: RenderedEmail;
  to: readonly string[];
}

/** Where an email goes: an SMTP server, or (dry-run) the log. Each carried delivery's logger tells what happened. */
export interface Delivery {
  send(mail: Mail, ctxs: readonly JobContext[]): Promise<void>;
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
    async send({ events, email, to }, ctxs) {
      const info = await transport
        .sendMail(mailOptionsOf(events, email, { from: smtp.from, to }))
        .catch((error: unknown) => {
          throw classifySmtpError(error);
        });
      const rejected = info.rejected.length;
      const { messageId, accepted } = info;
      const line = { messageId, accepted: accepted.length, rejected, messageDeliveries: events.length };
      for (const ctx of ctxs) ctx.log[rejected > 0 ? 'warn' : 'info'](line, 'email sent');
    },
    async close() {
      transport.close();
    },
  };
}

/** Dry-run: the subject and recipients are logged (never the body), and the job completes. */
export const dryRunDelivery: Delivery = {
  async send({ events, email, to }, ctxs) {
    // Each ctx.log already carries its delivery id.
    const line = { subject: email.subject, to, messageDeliveries: events.length };
    for (const ctx of ctxs) ctx.log.info(line, 'dry-run: email rendered, not sent');
  },
  async close() {},
};
