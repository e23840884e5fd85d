import type { WebhookEvent } from '@herohooks/contracts';
import {
  asError,
  createGather,
  runsWithin,
  sendTogetherOrEach,
  type JobContext,
  type Outcome,
} from '@herohooks/worker-kit';
import type { Delivery } from './delivery';
import { renderEmail } from './render/index';
import { SmtpRefusal } from './smtp-errors';

export interface Mailer {
  /** Resolves once the event went out in an email to `to`; rejects with why it did not. */
  mail(event: WebhookEvent, to: readonly string[], ctx: JobContext): Promise<void>;
}

export interface MailerOptions {
  /** Most deliveries one email carries; 1 = an email per delivery. */
  deliveriesPerMessage: number;
}

interface Item {
  event: WebhookEvent;
  to: readonly string[];
  ctx: JobContext;
}

// Deliveries reaching the mailer within this time of the first (the next batch jobs of a burst) share an email.
const GATHER_MS = 20;

/** Refused at DATA: the content, which may be one delivery's (too large, say). The sender and recipients are shared. */
const refusesContent = (failure: Error) => failure instanceof SmtpRefusal && failure.command === 'DATA';

/**
 * Mails what the worker hands over together (the events of a batch job, and deliveries a few milliseconds apart)
 * as one email per recipient list and run of up to `deliveriesPerMessage`, a card per delivery. A burst of alerts
 * then fills an inbox with a few emails instead of hundreds, and costs the worker one composition and one SMTP
 * transaction per email, not per delivery. Each delivery still succeeds or fails on its own: an email's failure is
 * each of its deliveries' failure, which the kit retries or dead-letters alone (a retry is an email of its own), and
 * an email refused for its content is sent again delivery by delivery.
 */
export function createMailer(delivery: Delivery, options: MailerOptions): Mailer {
  /** One email for items of one recipient list; whatever fails (rendering too) is the outcome of these items only. */
  const send = async (items: readonly Item[]): Promise<Outcome> => {
    try {
      const events = items.map((item) => item.event);
      await delivery.send({ events, email: renderEmail(events), to: items[0]!.to }, items.map((item) => item.ctx));
      return undefined;
    } catch (caught) {
      return asError(caught);
    }
  };

  const gather = createGather<Item>({
    destinationOf: (item) => item.to.join(', '),
    async send(_recipients, items) {
      const runs = runsWithin(items, options.deliveriesPerMessage, () => [], []);
      const outcomes = await Promise.all(runs.map((run) => sendTogetherOrEach(run, send, refusesContent)));
      return outcomes.flat();
    },
    lingerMs: GATHER_MS,
    lingerBelow: options.deliveriesPerMessage,
  });

  return { mail: (event, to, ctx) => gather.push({ event, to, ctx }) };
}
