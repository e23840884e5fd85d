import { afterEach, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { catalog, type InboxBatch, type WebhookEvent } from '@herohooks/contracts';
import { createLogger, connectRedis } from '@herohooks/runtime';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { createProducer } from './producer';

const prefixes: string[] = [];
const connections: Redis[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.quit()));
  await Promise.all(prefixes.splice(0).map((p) => dropPrefix(p)));
});

describe('producer batches against real Redis', () => {
  it('writes 300 deliveries pushed at once as two inbox batches and stores each once', async () => {
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
    const inbox = new Queue<InboxBatch>(catalog.inbox.queue, { connection: redis, prefix });
    const jobs = await inbox.getJobs(['waiting']);
    expect(jobs.map((job) => job.data.events.length).sort()).toEqual([256, 44]);
    const stored = jobs.flatMap((job) => job.data.events.map((event) => event.deliveryId));
    expect(new Set(stored).size).toBe(300);
    await inbox.close();
    await producer.close();
  });

  it('answers the second copy within one batch as a duplicate of the first, which it names, and writes it nowhere', async () => {
    const prefix = uniquePrefix('batch');
    prefixes.push(prefix);
    const redis = connectRedis(testRedisUrl(), 'producer');
    connections.push(redis);
    const producer = createProducer({ redis, prefix, dedupWindowSeconds: 60, logger: createLogger('test', 'silent') });
    const copy = (deliveryId: string): WebhookEvent<'new_influencer_post'> => ({
      deliveryId,
      type: 'new_influencer_post',
      receivedAt: new Date().toISOString(),
      payload: { deal_id: 'same' },
    });
    const body = Buffer.from('{"deal_id":"same"}');
    const answers = await Promise.all([producer.addDelivery(copy('a'), body), producer.addDelivery(copy('b'), body)]);
    expect(answers).toEqual([
      { id: 'a', duplicate: false },
      { id: 'a', duplicate: true },
    ]);
    const inbox = new Queue<InboxBatch>(catalog.inbox.queue, { connection: redis, prefix });
    const [job] = await inbox.getJobs(['waiting']);
    expect(job!.data.events.map((event) => event.deliveryId)).toEqual(['a']);
    await inbox.close();
    await producer.close();
  });
});
