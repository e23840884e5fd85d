// Test support (not bundled: main.ts does not import it): a real email consumer on a unique queue prefix,
// wired to an in-process SMTP sink, with its log lines captured.
import { Writable } from 'node:stream';
import { catalog, jobOptions, type WebhookEvent, type WebhookType } from '@herohooks/contracts';
import { fixture } from '@herohooks/contracts/fixtures';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { startSmtpSink, type SmtpSink, type SmtpSinkOptions } from '@herohooks/testing/smtp-sink';
import { startConsumer, type DeadLetter, type RunningConsumer } from '@herohooks/worker-kit';
import { Queue, type Job } from 'bullmq';
import { pino } from 'pino';
import { dryRunDelivery, smtpDelivery } from './delivery';
import { parseEmailEnv } from './env';
import { emailHandler } from './handler';

export interface Harness {
  sink: SmtpSink;
  queue: Queue<WebhookEvent>;
  deadLetters: Queue<DeadLetter>;
  /** Every log line the consumer wrote, as JSON text. */
  logs: string[];
  /** Queues an event with the catalog's job options, but a 100 ms fixed backoff so retries come quickly. */
  add(event: WebhookEvent): Promise<Job<WebhookEvent>>;
  close(): Promise<void>;
}

let counter = 0;

export function eventOf<T extends WebhookType>(type: T, payload = fixture(type), deliveryId = `d${++counter}`): WebhookEvent<T> {
  return { deliveryId, type, receivedAt: new Date().toISOString(), payload } as WebhookEvent<T>;
}

export async function startHarness(
  options: { sink?: SmtpSinkOptions; smtpUrl?: Parameters<SmtpSink['url']>[0]; env?: NodeJS.ProcessEnv; dryRun?: boolean } = {},
): Promise<Harness> {
  const prefix = uniquePrefix('email');
  const sink = await startSmtpSink(options.sink);
  const env = parseEmailEnv({
    SMTP_URL: sink.url(options.smtpUrl),
    EMAIL_FROM: 'Herohooks <alerts@herohooks.example.com>',
    EMAIL_TO: 'ops@example.com',
    EMAIL_DRY_RUN: String(options.dryRun ?? false),
    ...options.env,
  });
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const delivery = env.smtp ? smtpDelivery(env.smtp) : dryRunDelivery;
  const handler = emailHandler(env.recipients, delivery, { deliveriesPerMessage: env.EMAIL_DELIVERIES_PER_MESSAGE });
  const running: RunningConsumer = await startConsumer(handler, {
    redisUrl: testRedisUrl(),
    prefix,
    concurrency: 2,
    dryRun: env.EMAIL_DRY_RUN,
    logger: pino({ level: 'debug' }, logStream),
  });
  const connection = { url: testRedisUrl() };
  const queue = new Queue<WebhookEvent>(catalog.email.queue, { connection, prefix });
  const deadLetters = new Queue<DeadLetter>(catalog.email.deadLetterQueue, { connection, prefix });
  return {
    sink,
    queue,
    deadLetters,
    logs,
    add: (event) =>
      queue.add(event.type, event, { ...jobOptions(catalog.email, event.deliveryId), backoff: { type: 'fixed', delay: 100 } }),
    async close() {
      await running.close();
      await Promise.all([queue.close(), deadLetters.close(), sink.stop()]);
      await dropPrefix(prefix);
    },
  };
}
