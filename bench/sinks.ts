import { EMAIL_DELIVERY_HEADER, emailDeliveryIds } from '../packages/contracts/src/email-delivery-header';
import { slackDeliveryIds } from '../packages/contracts/src/slack-metadata';
import { startSlackStub } from '../packages/testing/src/slack-stub';
import { rawHeader, startSmtpSink } from '../packages/testing/src/smtp-sink';

/**
 * The Slack stub and the SMTP sink in their own process (started by sinks-client.ts), so the open-loop sender
 * never delays their receipt stamps and they never delay the sender. Every 200 ms the full records are reduced
 * to (delivery id, receipt time) so 100k+ messages do not pile up in memory. They share the machine with the
 * pipeline being measured, so they do no more per message than a receipt needs: mails are kept raw (the delivery
 * header is read, nothing is parsed) and the Slack history keeps each message's metadata only.
 */
export type Receipt = [deliveryId: string, at: number];

export interface SinksReady {
  kind: 'ready';
  slackUrl: string;
  slackToken: string;
  smtpUrl: string;
}

/** Answer to `count` (receipts only empty) or `take` (receipts since the last take, then forgotten). */
export interface SinksReport {
  kind: 'report';
  /** Deliveries received by Slack (a message may carry several). */
  slackCount: number;
  /** Messages Slack accepted since the last take. */
  slackPosts: number;
  /** Deliveries received by email (an email may carry several). */
  emailCount: number;
  /** Emails received since the last take. */
  emailPosts: number;
  /** Slack calls that were not an accepted chat.postMessage (should be 0). */
  slackRefused: number;
  slack: Receipt[];
  email: Receipt[];
}

export type SinksRequest = 'count' | 'take';

const slack = await startSlackStub(undefined, { history: 'metadata' });
const smtp = await startSmtpSink({ parse: false });
let slackReceipts: Receipt[] = [];
let emailReceipts: Receipt[] = [];
let slackRefused = 0;
let slackPosts = 0;
let emailPosts = 0;

function compact(): void {
  for (const call of slack.calls.splice(0)) {
    const deliveryIds = slackDeliveryIds(call.body.metadata);
    if (call.method === 'chat.postMessage' && call.outcome === 'ok' && deliveryIds.length > 0) {
      slackPosts += 1;
      for (const deliveryId of deliveryIds) slackReceipts.push([deliveryId, call.at]);
    } else slackRefused += 1;
  }
  for (const mail of smtp.messages.splice(0)) {
    emailPosts += 1;
    const deliveryIds = emailDeliveryIds(rawHeader(mail.raw, EMAIL_DELIVERY_HEADER));
    for (const deliveryId of deliveryIds) emailReceipts.push([deliveryId, mail.at]);
  }
}

const timer = setInterval(compact, 200);

process.on('message', (request: SinksRequest) => {
  compact();
  const take = request === 'take';
  const report: SinksReport = {
    kind: 'report',
    slackCount: slackReceipts.length,
    emailCount: emailReceipts.length,
    slackRefused,
    slackPosts,
    emailPosts,
    slack: take ? slackReceipts : [],
    email: take ? emailReceipts : [],
  };
  if (take) {
    slackReceipts = [];
    emailReceipts = [];
    slackRefused = 0;
    slackPosts = 0;
    emailPosts = 0;
  }
  process.send!(report);
});

process.on('disconnect', () => {
  clearInterval(timer);
  void Promise.all([slack.close(), smtp.stop()]).then(() => process.exit(0));
});

const ready: SinksReady = { kind: 'ready', slackUrl: slack.url, slackToken: slack.token, smtpUrl: smtp.url() };
process.send!(ready);
