import { afterEach, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { catalog, type WebhookEvent } from '@herohooks/contracts';
import { createLogger, connectRedis } from '@herohooks/runtime';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { EnqueueUnavailableError, createBatcher } from './batcher';
import { createProducer } from './producer';

const prefixes: string[] = [];
const connections: Redis[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.quit()));
  await Promise.all(prefixes.splice(0).map((p) => dropPrefix(p)));
});

describe('createBatcher', () => {
  it('writes the items pushed in one event-loop turn with one write, in order', async () => {
    const writes: number[][] = [];
    const batcher = createBatcher<number, number>({
      maxBatch: 256,
      timeoutMs: 1_000,
      write: async (items) => {
        writes.push(items);
        return items.map((n) => n * 10);
      },
    });
    const results = await Promise.all([1, 2, 3].map((n) => batcher.push(n)));
    expect(results).toEqual([10, 20, 30]);
    expect(writes).toEqual([[1, 2, 3]]);
  });

  it('starts a new batch when maxBatch is reached', async () => {
    const sizes: number[] = [];
    const batcher = createBatcher<number, null>({
      maxBatch: 4,
      timeoutMs: 1_000,
      write: async (items) => {
        sizes.push(items.length);
        return items.map(() => null);
      },
    });
    await Promise.all(Array.from({ length: 10 }, (_, n) => batcher.push(n)));
    expect(sizes).toEqual([4, 4, 2]);
  });

  it('refuses every item of a batch whose write fails or outlives the deadline', async () => {
    const failing = createBatcher<number, null>({
      maxBatch: 8,
      timeoutMs: 1_000,
      write: async () => Promise.reject(new Error('boom')),
    });
    const hanging = createBatcher<number, null>({
      maxBatch: 8,
      timeoutMs: 50,
      write: () => new Promise(() => undefined),
    });
    for (const batcher of [failing, hanging]) {
      const outcomes = await Promise.allSettled([batcher.push(1), batcher.push(2)]);
      for (const outcome of outcomes) {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(EnqueueUnavailableError);
      }
    }
  });
});

describe('producer batches against real Redis', () => {
  it('writes 300 deliveries pushed at once as two addBulk round trips and stores each once', async () => {
    const prefix = uniquePrefix('batch');
    prefixes.push(prefix);
    const redis = connectRedis(testRedisUrl(), 'producer');
    connections.push(redis);
    const batches: number[] = [];
    const producer = createProducer({
      redis,
      prefix,
      dedupWindowSeconds: 60,
      logger: createLogger('test', 'silent'),
      onBatch: (_queue, size) => batches.push(size),
    });
    const events: WebhookEvent<'new_influencer_post'>[] = Array.from({ length: 300 }, (_, n) => ({
      deliveryId: `d-${n}`,
      type: 'new_influencer_post',
      receivedAt: new Date().toISOString(),
      payload: { deal_id: `deal-${n}` },
    }));
    const answers = await Promise.all(
      events.map((e) => producer.addDelivery(e, Buffer.from(JSON.stringify(e.payload)))),
    );
    expect(answers.every((a, n) => a.id === `d-${n}` && !a.duplicate)).toBe(true);
    expect(batches).toEqual([256, 44]);
    const inbox = new Queue(catalog.inbox.queue, { connection: redis, prefix });
    expect(await inbox.count()).toBe(300);
    await inbox.close();
    await producer.close();
  });
});
