import { createHash, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { ReplyError, type Redis } from 'ioredis';
import {
  INBOX_BATCH,
  catalog,
  dedupClaimKey,
  inboxCopiesKey,
  jobOptions,
  type TrackingJob,
  type WebhookEvent,
} from '@herohooks/contracts';
import { createBatcher, withDeadline, type Batcher, type Logger } from '@herohooks/runtime';
import { queueClaims } from './dedup-claims';
import { inboxBatchJson } from './inbox-batch-json';
import { jobAddTransactions } from './job-add-transactions';
import { PreserializedJob } from './preserialized-job';
import { EnqueueUnavailableError, enqueueRefusal } from './unavailable';

/**
 * A batch this large is written at the end of the event-loop turn without lingering: the write's cost is already
 * spread thin, and under load the senders are better served by an answer now (a closed loop of 50 connections ran at
 * 0.6 of its speed when every batch lingered 5 ms: node --import tsx bench/ingress-variants.ts
 * '{"shipped":{},"linger5":{"ENQUEUE_LINGER_MS":"5"}}' everysec 6).
 */
const LINGER_BELOW = 16;

export interface ProducerOptions {
  /** A connection made with redisOptions('producer'): commands fail at once while Redis is unreachable. */
  redis: Redis;
  prefix: string;
  dedupWindowSeconds: number;
  logger: Logger;
  maxBatch?: number;
  /**
   * How long a delivery waits for others to share its write (see createBatcher), unless LINGER_BELOW are already
   * waiting; 0 = the end of the turn.
   */
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

/** A delivery's body: its raw bytes (what dedup compares) and their text, which is queued as the event's payload. */
export interface DeliveryBody {
  raw: Buffer;
  text: string;
}

export interface Producer {
  /** Enqueues one delivery unless the same type and raw body was accepted within the dedup window. */
  addDelivery(event: WebhookEvent, body: DeliveryBody): Promise<Accepted>;
  addTracking(job: TrackingJob): Promise<void>;
  /** True when Redis answers a PING within the acknowledgement deadline. */
  ready(): Promise<boolean>;
  /** Writes what is pending, then closes the queues (the Redis connection belongs to the caller). */
  close(): Promise<void>;
}

interface Delivery {
  event: WebhookEvent;
  payloadText: string;
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
  const batchTransactions = jobAddTransactions(redis, (error) =>
    logger.warn({ err: error }, 'inbox batch connection error'),
  );

  /** One batcher per queue: a batch is one write, and a failed or late batch refuses each of its requests. */
  const batcherFor = <In, Out>(queue: Queue, write: (items: In[]) => Promise<Out[]>): Batcher<In, Out> =>
    createBatcher({
      maxBatch,
      lingerMs: options.lingerMs,
      lingerBelow: LINGER_BELOW,
      timeoutMs,
      refusal: enqueueRefusal,
      onBatch: (size, seconds, ok) => options.onBatch?.(queue.name, size, seconds, ok),
      write,
    });

  const deliveries = batcherFor<Delivery, Accepted>(inbox, async (items) => {
    // A copy within the batch is not written at all: it gets the answer of its first occurrence.
    const firstIndex = new Map<string, number>();
    const unique: Delivery[] = [];
    for (const item of items) {
      if (firstIndex.has(item.dedupId)) continue;
      firstIndex.set(item.dedupId, unique.length);
      unique.push(item);
    }
    // One transaction: the inbox job holding the batch, then the claims, which are written only if the job was.
    const batchId = randomUUID();
    await inbox.client;
    const transaction = await batchTransactions.start();
    const opts = jobOptions(catalog.inbox, batchId);
    const job = new PreserializedJob(inbox, INBOX_BATCH, inboxBatchJson(unique), opts, batchId);
    await transaction.addJob(job);
    queueClaims(transaction, {
      jobKey: inbox.toKey(batchId),
      copiesKey: inboxCopiesKey(prefix, batchId),
      claimKeys: unique.map((item) => dedupClaimKey(prefix, item.dedupId)),
      deliveryIds: unique.map((item) => item.event.deliveryId),
      ttlSeconds: options.dedupWindowSeconds,
    });
    const results = await transaction.exec();
    const failed = results?.find(([error]) => error)?.[0];
    if (failed) {
      // Redis lost the scripts (SCRIPT FLUSH, a failover behind a proxy that kept the connection): this batch is
      // refused, and the next ones wait for them to be loaded again. Redis names an error's class in the first word.
      if (failed instanceof ReplyError && failed.message.startsWith('NOSCRIPT')) batchTransactions.reloadScripts();
      throw failed;
    }
    const holders = results?.[1]?.[1] as string[] | null | undefined;
    if (!holders) throw new EnqueueUnavailableError('failed');
    return items.map((item) => {
      const holder = holders[firstIndex.get(item.dedupId)!]!;
      return { id: holder, duplicate: holder !== item.event.deliveryId };
    });
  });

  const trackingJobs = batcherFor<TrackingJob, void>(tracking, async (items) => {
    await tracking.addBulk(
      items.map((job) => ({ name: job.kind, data: job, opts: jobOptions(catalog.tracking, job.id) })),
    );
    return items.map(() => undefined);
  });

  return {
    addDelivery: (event, body) =>
      deliveries.push({ event, payloadText: body.text, dedupId: dedupId(event.type, body.raw) }),
    addTracking: (job) => trackingJobs.push(job),
    async ready() {
      const pings = Promise.all([redis.ping(), batchTransactions.ping()]);
      const pinged = withDeadline(pings, timeoutMs, () => new EnqueueUnavailableError('timeout'));
      return pinged.then(
        () => true,
        () => false,
      );
    },
    async close() {
      await Promise.all([deliveries.drain(), trackingJobs.drain()]);
      await Promise.all([inbox.close(), tracking.close(), batchTransactions.close()]);
    },
  };
}
