import { catalog, jobOptions, type WebhookEvent, type WebhookType } from '@herohooks/contracts';
import { fixture } from '@herohooks/contracts/fixtures';
import { createLogger, type Logger } from '@herohooks/runtime';
import { startSlackStub, type SlackStub, type StubCall } from '@herohooks/testing/slack-stub';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { openQueuePair, startConsumer, type QueuePair } from '@herohooks/worker-kit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach } from 'vitest';
import { alertsHandler } from './alerts-handler';
import { parseSlackConfig } from './env';
import { createSlackClient } from './slack/client';
import { createPoster } from './slack/poster';
import { webhookHandler } from './webhook-handler';

/** A webhook event as the ingress stores it, with a fixture payload unless one is given. */
export function sampleEvent(type: WebhookType, deliveryId = `dlv-${type}`, payload: unknown = fixture(type)): WebhookEvent {
  return { deliveryId, type, receivedAt: '2025-03-21T12:00:00.000Z', payload: payload as WebhookEvent['payload'] };
}

/** The delivery id a posted message carries in its metadata. */
export function deliveryIdOf(call: StubCall): string | undefined {
  const metadata = call.body.metadata as { event_payload?: { delivery_id?: string } } | undefined;
  return metadata?.event_payload?.delivery_id;
}

export interface TestWorker {
  /** Puts an event on the real `slack` queue, as the router does. */
  deliver(event: WebhookEvent): Promise<void>;
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
  const poster = createPoster(createSlackClient(config.token, config.apiUrl));
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
