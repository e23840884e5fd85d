import { once } from 'node:events';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { catalog, inboxCopiesKey, type InboxBatch, type WebhookEvent, type WebhookType } from '@herohooks/contracts';
import { connectRedis, createLogger } from '@herohooks/runtime';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from '@herohooks/signing';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { buildApp } from './app';
import { createProducer, type Producer } from './enqueue/producer';
import type { IngressConfig } from './env';
import { createMetrics, observeBatch } from './http/metrics';

export const SECRET = 'whsec_test_current';
/** The fixed "now" of test apps: 2023-11-14T22:13:20Z. */
export const NOW_MS = 1_700_000_000_000;
export const NOW_S = String(NOW_MS / 1000);

/** What the inbox holds: its batch jobs, and the deliveries in them that are not copies. */
export interface InboxView {
  /** Every inbox batch job (waiting), e.g. to check its options. */
  batches(): Promise<Job<InboxBatch>[]>;
  /** The accepted deliveries not recorded as copies, in the order they were written. */
  events(): Promise<WebhookEvent[]>;
  event(deliveryId: string): Promise<WebhookEvent | undefined>;
  count(): Promise<number>;
}

export interface TestIngress {
  app: FastifyInstance;
  prefix: string;
  producer: Producer;
  inbox: InboxView;
  /** Jobs in the tracking queue under this test's prefix. */
  tracking: Queue;
  /** Every Redis key under this test's prefix except the queues' meta keys (written when a Queue is created). */
  keys(): Promise<string[]>;
  close(): Promise<void>;
}

export interface TestIngressOptions {
  config?: Partial<IngressConfig>;
  /** Where the producer connects (e.g. a TCP proxy); the shared test Redis by default. */
  redisUrl?: string;
  clock?: () => number;
  requestTimeoutMs?: number;
  ackTimeoutMs?: number;
}

/** A real ingress (real Redis, own prefix) for inject() or listen(); close() drops everything it wrote. */
export async function startTestIngress(options: TestIngressOptions = {}): Promise<TestIngress> {
  const prefix = uniquePrefix('ingress');
  const logger = createLogger('ingress-test', 'silent');
  const metrics = createMetrics();
  const redis = connectRedis(options.redisUrl ?? testRedisUrl(), 'producer');
  redis.on('error', () => undefined);
  // Closing a connection still in its ready check leaves an unhandled rejection in ioredis: start from ready.
  if (redis.status !== 'ready') await once(redis, 'ready');
  const producer = createProducer({
    redis,
    prefix,
    dedupWindowSeconds: 86_400,
    logger,
    ackTimeoutMs: options.ackTimeoutMs,
    onBatch: observeBatch(metrics),
  });
  const app = await buildApp({
    config: {
      webhookSecrets: [SECRET],
      toleranceSeconds: 300,
      bodyLimitBytes: 1_048_576,
      trackingApiKeys: [],
      ...options.config,
    },
    producer,
    metrics,
    logger,
    clock: options.clock ?? (() => NOW_MS),
    requestTimeoutMs: options.requestTimeoutMs,
  });
  const direct = new Redis(testRedisUrl());
  const inbox = new Queue(catalog.inbox.queue, { connection: direct, prefix });
  const tracking = new Queue(catalog.tracking.queue, { connection: direct, prefix });
  await Promise.all([inbox.waitUntilReady(), tracking.waitUntilReady()]);
  const batches = async () => (await inbox.getJobs(['waiting'])).reverse() as Job<InboxBatch>[];
  const events = async () => {
    const perBatch = await Promise.all(
      (await batches()).map(async (job) => {
        const copies = await direct.hgetall(inboxCopiesKey(prefix, job.id!));
        return job.data.events.filter((event) => !(event.deliveryId in copies));
      }),
    );
    return perBatch.flat();
  };
  return {
    app,
    prefix,
    producer,
    inbox: {
      batches,
      events,
      event: async (id) => (await events()).find((e) => e.deliveryId === id),
      count: async () => (await events()).length,
    },
    tracking,
    async keys() {
      return (await direct.keys(`${prefix}:*`)).filter((key) => !key.endsWith(':meta'));
    },
    async close() {
      await app.close();
      await producer.close();
      await Promise.all([inbox.close(), tracking.close()]);
      await Promise.all([redis.quit(), direct.quit()]);
      await dropPrefix(prefix);
    },
  };
}

export interface SignOptions {
  secret?: string;
  timestamp?: string | undefined;
  contentType?: string | undefined;
  signature?: string | undefined;
  headers?: Record<string, string>;
}

/** An inject() request for a webhook, signed like Influencer Hero signs (raw body, lower-case hex). */
export function signedWebhook(
  type: WebhookType | string,
  body: string | Buffer,
  options: SignOptions = {},
): InjectOptions {
  const headers: Record<string, string> = { ...options.headers };
  // An option given as undefined leaves its header out entirely.
  const signature = 'signature' in options ? options.signature : sign(body, options.secret ?? SECRET);
  if (signature !== undefined) headers[SIGNATURE_HEADER] = signature;
  const timestamp = 'timestamp' in options ? options.timestamp : NOW_S;
  if (timestamp !== undefined) headers[TIMESTAMP_HEADER] = timestamp;
  const contentType = 'contentType' in options ? options.contentType : 'application/json';
  if (contentType !== undefined) headers['content-type'] = contentType;
  return { method: 'POST', url: `/webhooks/influencer-hero/${type}`, headers, payload: body };
}
