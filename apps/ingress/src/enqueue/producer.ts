import { createHash, randomUUID } from 'node:crypto';
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  INBOX_BATCH,
  catalog,
  dedupClaimKey,
  jobOptions,
  type InboxBatch,
  type TrackingJob,
  type WebhookEvent,
} from '@herohooks/contracts';
import { createBatcher, withDeadline, type Batcher, type Logger } from '@herohooks/runtime';
import { defineClaims, queueClaims } from './dedup-claims';
import { EnqueueUnavailableError, enqueueRefusal } from './unavailable';

export interface ProducerOptions {
  /** A connection made with redisOptions('producer'): commands fail at once while Redis is unreachable. */
  redis: Redis;
  prefix: string;
  dedupWindowSeconds: number;
  logger: Logger;
  maxBatch?: number;
  /** How long a delivery waits for others to share its write (see createBatcher); 0 = the end of the turn. */
  lingerMs?: number;
  /** After this long without an acknowledgement every request of the batch is answered 503. */
  ackTimeoutMs?: number;
  onBatch?(queue: string, size: number, seconds: number, ok: boolean): void;
}

export interface Accepted {
  /** The delivery id; for a duplicate, the id given to the first copy. */
  id: string;
  duplicate: boolean;
}

export interface Producer {
  /** Enqueues one delivery unless the same type and raw body was accepted within the dedup window. */
  addDelivery(event: WebhookEvent, rawBody: Buffer): Promise<Accepted>;
  addTracking(job: TrackingJob): Promise<void>;
  /** True when Redis answers a PING within the acknowledgement deadline. */
  ready(): Promise<boolean>;
  /** Writes what is pending, then closes the queues (the Redis connection belongs to the caller). */
  close(): Promise<void>;
}

interface Delivery {
  event: WebhookEvent;
  dedupId: string;
}

/** Same type and same raw bytes = same delivery; the type is part of the key so equal bodies of two types differ. */
export function dedupId(type: string, rawBody: Buffer): string {
  return createHash('sha256').update(type).update('\n').update(rawBody).digest('hex');
}

export function createProducer(options: ProducerOptions): Producer {
  const { redis, prefix, logger } = options;
  const maxBatch = options.maxBatch ?? 256;
  const timeoutMs = options.ackTimeoutMs ?? 1_000;
  const inbox = new Queue(catalog.inbox.queue, { connection: redis, prefix });
  const tracking = new Queue(catalog.tracking.queue, { connection: redis, prefix });
  for (const queue of [inbox, tracking]) {
    // Without a listener an 'error' event would crash the process; reconnecting is ioredis' job.
    queue.on('error', (error) => logger.warn({ err: error, queue: queue.name }, 'queue connection error'));
  }

  /** One batcher per queue: a batch is one addBulk, and a failed or late batch refuses each of its requests. */
  const batcherFor = <In, Out>(queue: Queue, write: (items: In[]) => Promise<Out[]>): Batcher<In, Out> =>
    createBatcher({
      maxBatch,
      lingerMs: options.lingerMs,
      timeoutMs,
      refusal: enqueueRefusal,
      onBatch: (size, seconds, ok) => options.onBatch?.(queue.name, size, seconds, ok),
      write,
    });

  defineClaims(redis);
  const deliveries = batcherFor<Delivery, Accepted>(inbox, async (items) => {
    // One transaction: the dedup claims of every delivery and one inbox job holding them all. Either both are
    // durable or neither is, so a delivery answered "duplicate" always has its first copy in the inbox.
    const transaction = (await inbox.client).multi();
    queueClaims(
      transaction,
      items.map((item) => dedupClaimKey(prefix, item.dedupId)),
      items.map((item) => item.event.deliveryId),
      options.dedupWindowSeconds,
    );
    const batch: InboxBatch = { deliveries: items };
    await new Job(inbox, INBOX_BATCH, batch, jobOptions(catalog.inbox, randomUUID())).addJob(transaction);
    const results = await transaction.exec();
    if (!results) throw new EnqueueUnavailableError('failed');
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
    const holders = results[0]![1] as string[];
    return items.map((item, index) => ({ id: holders[index]!, duplicate: holders[index] !== item.event.deliveryId }));
  });

  const trackingJobs = batcherFor<TrackingJob, void>(tracking, async (items) => {
    await tracking.addBulk(
      items.map((job) => ({ name: job.kind, data: job, opts: jobOptions(catalog.tracking, job.id) })),
    );
    return items.map(() => undefined);
  });

  return {
    addDelivery: (event, rawBody) => deliveries.push({ event, dedupId: dedupId(event.type, rawBody) }),
    addTracking: (job) => trackingJobs.push(job),
    async ready() {
      const pinged = withDeadline(redis.ping(), timeoutMs, () => new EnqueueUnavailableError('timeout'));
      return pinged.then(
        () => true,
        () => false,
      );
    },
    async close() {
      await Promise.all([deliveries.drain(), trackingJobs.drain()]);
      await Promise.all([inbox.close(), tracking.close()]);
    },
  };
}
