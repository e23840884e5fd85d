import {
  catalog,
  INBOX_BATCH,
  jobOptions,
  slackDeliveryIds,
  slackDeliveryMetadata,
  type WebhookEvent,
  type WebhookType,
} from '@herohooks/contracts';
import { fixture } from '@herohooks/contracts/fixtures';
import { createLogger, type Logger } from '@herohooks/runtime';
import { startSlackStub, type SlackStub, type StubCall } from '@herohooks/testing/slack-stub';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { openQueuePair, startConsumer, type JobContext, type QueuePair } from '@herohooks/worker-kit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { afterEach, beforeEach } from 'vitest';
import { alertsHandler } from './alerts-handler';
import { parseSlackConfig } from './env';
import { createSlackClient } from './slack/client';
import { createPoster } from './slack/poster';
import { channelScheduleKey } from './slack/channel-slot';
import { attemptMarkKey } from './slack/reconcile';
import { webhookHandler } from './webhook-handler';

/** A webhook event as the ingress stores it, with a fixture payload unless one is given. */
export function sampleEvent(type: WebhookType, deliveryId = `dlv-${type}`, payload: unknown = fixture(type)): WebhookEvent {
  return { deliveryId, type, receivedAt: '2025-03-21T12:00:00.000Z', payload: payload as WebhookEvent['payload'] };
}

/**
 * A Redis connection and a queue prefix of its own per test, and the job context a handler would get on them:
 * for testing the poster's parts without a worker.
 */
export function useRedisContext(label: string): {
  contextOf(deliveryId: string): JobContext;
  redis(): Redis;
  prefix(): string;
} {
  let redis: Redis | undefined;
  let prefix = '';
  beforeEach(() => {
    redis = new Redis(testRedisUrl());
    prefix = uniquePrefix(label);
  });
  afterEach(async () => {
    redis?.disconnect();
    await dropPrefix(prefix);
  });
  return {
    contextOf: (deliveryId) => ({
      deliveryId,
      attempt: 1,
      log: createLogger(`${label}-test`, 'silent'),
      dryRun: false,
      redis: redis!,
      prefix,
    }),
    redis: () => redis!,
    prefix: () => prefix,
  };
}

/** A logger that keeps every line it writes, parsed, for assertions. */
export function capturingLogger(): { logger: Logger; entries: () => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), entries: () => lines.map((line) => JSON.parse(line)) };
}

/** The delivery ids a posted message carries in its metadata (one, unless deliveries shared the message). */
export function deliveryIdsOf(call: StubCall): string[] {
  return slackDeliveryIds(call.body.metadata);
}

/** Every delivery id the stub's messages carry, in the order posted. */
export function postedDeliveryIds(stub: SlackStub): string[] {
  return stub.posted().flatMap(deliveryIdsOf);
}

/** A message posted over the real API the way the worker posts it (same metadata), for one delivery or several. */
export async function postAsWorker(stub: SlackStub, channel: string, ...deliveryIds: string[]): Promise<void> {
  const client = createSlackClient(stub.token, stub.url);
  const text = `posted for ${deliveryIds.join(', ')}`;
  await client.chat.postMessage({ channel, text, metadata: slackDeliveryMetadata(deliveryIds) });
}

/**
 * What a worker killed after Slack's answer but before its done mark leaves behind: the attempt mark and,
 * when `postedTo` is given, the message in that channel.
 */
export async function interruptedAttempt(worker: TestWorker, stub: SlackStub, deliveryId: string, postedTo?: string) {
  await worker.redis.set(attemptMarkKey(worker.prefix, deliveryId), String(Date.now()), 'EX', 600);
  if (postedTo) await postAsWorker(stub, postedTo, deliveryId);
}

/** Someone else's message has just gone out in the channel's slot: the next message waits a slot. */
export async function fillChannelSlot(worker: TestWorker, channel: string): Promise<void> {
  const key = channelScheduleKey(worker.prefix, channel);
  const now = Date.now();
  await worker.redis.hset(key, { at: now, deliveries: 1_000, blocks: 1_000, text: 1_000_000, posted: now });
  await worker.redis.pexpire(key, 60_000);
}

export interface TestWorker {
  /** Puts an event on the real `slack` queue, as the router does. */
  deliver(event: WebhookEvent): Promise<void>;
  /** Puts events on the `slack` queue as one batch job, as the router routes an inbox batch. */
  deliverBatch(events: WebhookEvent[], batchId: string): Promise<void>;
  /** How often a slack delivery was put back to wait (for its channel's slot), from the consumer's metrics. */
  deferrals(): Promise<number>;
  /** The worker's queue prefix and a connection to its Redis, for the keys it keeps beside the queues. */
  prefix: string;
  redis: Redis;
  slackQueue: Queue;
  slackPair: QueuePair;
  alertsQueue: Queue;
  close(): Promise<void>;
}

/**
 * worker-slack as main.ts wires it (both consumers, the real client against the stub), configured from `env`
 * the way the process is.
 */
export interface TestWorkerOptions {
  env?: Record<string, string>;
  dryRun?: boolean;
  logger?: Logger;
}

export async function startTestWorker(options: TestWorkerOptions & { prefix: string; stub: SlackStub }): Promise<TestWorker> {
  const { prefix, stub } = options;
  const config = parseSlackConfig({
    SLACK_BOT_TOKEN: stub.token,
    SLACK_API_URL: stub.url,
    SLACK_CHANNEL: 'C-default',
    ...options.env,
  });
  const poster = createPoster(createSlackClient(config.token, config.apiUrl), config.posting);
  const consumerOptions = {
    redisUrl: testRedisUrl(),
    prefix,
    concurrency: 10,
    logger: options.logger ?? createLogger('worker-slack-test', 'silent'),
    dryRun: options.dryRun ?? false,
    shutdownDeadlineMs: 2_000,
  };
  const consumers = [
    await startConsumer(webhookHandler(config.channels, poster), consumerOptions),
    await startConsumer(alertsHandler(config.alertChannel, poster), consumerOptions),
  ];
  const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const slackQueue = new Queue(catalog.slack.queue, { connection, prefix });
  const alertsQueue = new Queue(catalog.alerts.queue, { connection, prefix });
  const slackPair = openQueuePair('slack', connection, prefix);
  return {
    async deliver(event) {
      await slackQueue.add(event.type, event, jobOptions(catalog.slack, event.deliveryId));
    },
    async deliverBatch(events, batchId) {
      await slackQueue.add(INBOX_BATCH, { events }, jobOptions(catalog.slack, batchId));
    },
    async deferrals() {
      const { values } = await consumers[0]!.metrics.jobs.get();
      return values.filter((v) => v.labels.outcome === 'deferred').reduce((sum, v) => sum + v.value, 0);
    },
    prefix,
    redis: connection,
    slackQueue,
    slackPair,
    alertsQueue,
    async close() {
      await Promise.all(consumers.map((consumer) => consumer.close()));
      await Promise.all([slackQueue.close(), alertsQueue.close(), slackPair.close()]);
      connection.disconnect();
    },
  };
}

export interface Testbed {
  /** This test's Slack stub. */
  readonly stub: SlackStub;
  /** Starts the worker on this test's own queue prefix; it is closed (and the prefix dropped) after the test. */
  start(options?: TestWorkerOptions): Promise<TestWorker>;
}

/** Per test: a fresh stub and queue prefix, cleaned up afterwards. Call at the top of a test file. */
export function useTestbed(label: string): Testbed {
  let stub: SlackStub | undefined;
  let prefix = '';
  let worker: TestWorker | undefined;
  beforeEach(async () => {
    stub = await startSlackStub();
    prefix = uniquePrefix(label);
  });
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await stub?.close();
    await dropPrefix(prefix);
  });
  return {
    get stub() {
      return stub!;
    },
    async start(options = {}) {
      worker = await startTestWorker({ ...options, prefix, stub: stub! });
      return worker;
    },
  };
}
