import nodemailer from 'nodemailer';
import type { WebhookEvent } from '../packages/contracts/src/index';
import { fixture } from '../packages/contracts/src/fixtures';
import { mailOptionsOf } from '../apps/worker-email/src/message';
import { renderEmail } from '../apps/worker-email/src/render/index';

/**
 * What building one email costs worker-email in CPU, apart from SMTP and the queue: the shipped templates rendered
 * for the emailed types and composed by nodemailer into the MIME message it would send (a stream transport that
 * keeps the bytes). Bounded: 2,000 mails to warm up, then 6,000 measured.
 *
 *   node --import tsx bench/mail-compose.ts
 */
const emailed = ['new_payout_request', 'new_max_bid', 'new_influencer_reply'] as const;
const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
const addresses = { from: 'a@example.com', to: ['b@example.com'] };
const receivedAt = new Date().toISOString();
const events = emailed.map(
  (type, i) => ({ deliveryId: `bench-${i}`, type, receivedAt, payload: fixture(type) }) as WebhookEvent,
);
const send = (event: WebhookEvent) => transport.sendMail(mailOptionsOf([event], renderEmail([event]), addresses));

async function run(count: number): Promise<{ cpuUs: number; bytes: number }> {
  let bytes = 0;
  const before = process.cpuUsage();
  for (let i = 0; i < count; i += 1) bytes += ((await send(events[i % events.length]!)).message as Buffer).length;
  const used = process.cpuUsage(before);
  return { cpuUs: (used.user + used.system) / count, bytes: bytes / count };
}

await run(2_000);
const { cpuUs, bytes } = await run(6_000);
process.stdout.write(`render + compose: ${cpuUs.toFixed(0)} µs of CPU per email, ${Math.round(bytes)} bytes each\n`);
