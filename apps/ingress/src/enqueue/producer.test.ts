import { afterEach, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { catalog, inboxCopiesKey, type InboxBatch, type WebhookEvent } from '@herohooks/contracts';
import { createLogger, connectRedis } from '@herohooks/runtime';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { createProducer, type ProducerOptions } from './producer';

const prefixes: string[] = [];
const connections: Redis[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.quit()));
  await Promise.all(prefixes.splice(0).map((p) => dropPrefix(p)));
});

/** A delivery body as the webhook route hands it over: the raw bytes and their text. */
const bodyOf = (payload: unknown) => {
  const text = JSON.stringify(payload);
  return { raw: Buffer.from(text), text };
};

/** A producer on its own prefix and connection, both cleaned up after the test. */
function producerOnNewPrefix(options: Partial<ProducerOptions> = {}) {
  const prefix = uniquePrefix('batch');
  prefixes.push(prefix);
  const redis = connectRedis(testRedisUrl(), 'producer');
  connections.push(redis);
  const logger = createLogger('test', 'silent');
  return { prefix, redis, producer: createProducer({ redis, prefix, dedupWindowSeconds: 60, logger, ...options }) };
}

describe('producer batches against real Redis', () => {
  it('writes 300 deliveries pushed at once as two inbox batches and stores each once', async () => {
    const batches: number[] = [];
    const { prefix, redis, producer } = producerOnNewPrefix({ onBatch: (_queue, size) => batches.push(size) });
    const events: WebhookEvent<'new_influencer_post'>[] = Array.from({ length: 300 }, (_, n) => ({
      deliveryId: `d-${n}`,
      type: 'new_influencer_post',
      receivedAt: new Date().toISOString(),
      payload: { deal_id: `deal-${n}` },
    }));
    const answers = await Promise.all(
      events.map((e) => producer.addDelivery(e, bodyOf(e.payload))),
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
    const { prefix, redis, producer } = producerOnNewPrefix();
    const copy = (deliveryId: string): WebhookEvent<'new_influencer_post'> => ({
      deliveryId,
      type: 'new_influencer_post',
      receivedAt: new Date().toISOString(),
      payload: { deal_id: 'same' },
    });
    const body = bodyOf({ deal_id: 'same' });
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

  it('answers copies of earlier deliveries anywhere in a later batch with their holders, claims the rest', async () => {
    const { prefix, redis, producer } = producerOnNewPrefix();
    const deliver = (deliveryId: string, deal: string) =>
      producer.addDelivery(
        { deliveryId, type: 'new_influencer_post', receivedAt: new Date().toISOString(), payload: { deal_id: deal } },
        bodyOf({ deal_id: deal }),
      );
    await Promise.all(Array.from({ length: 10 }, (_, n) => deliver(`d-${n}`, `deal-${n}`)));
    const later = await Promise.all(
      ['deal-3', 'new-a', 'deal-7', 'new-b', 'deal-0', 'new-c'].map((deal, n) => deliver(`e-${n}`, deal)),
    );
    expect(later).toEqual([
      { id: 'd-3', duplicate: true },
      { id: 'e-1', duplicate: false },
      { id: 'd-7', duplicate: true },
      { id: 'e-3', duplicate: false },
      { id: 'd-0', duplicate: true },
      { id: 'e-5', duplicate: false },
    ]);
    const inbox = new Queue<InboxBatch>(catalog.inbox.queue, { connection: redis, prefix });
    const batches = await inbox.getJobs(['waiting']);
    const eventIds = (job: (typeof batches)[number]) => job.data.events.map((event) => event.deliveryId);
    const [firstBatch, laterBatch] = ['d-0', 'e-0'].map((id) => batches.find((job) => eventIds(job)[0] === id)!);
    expect(eventIds(laterBatch!)).toEqual(['e-0', 'e-1', 'e-2', 'e-3', 'e-4', 'e-5']);
    expect(await redis.hgetall(inboxCopiesKey(prefix, firstBatch!.id!))).toEqual({});
    const copies = await redis.hgetall(inboxCopiesKey(prefix, laterBatch!.id!));
    expect(copies).toEqual({ 'e-0': 'd-3', 'e-2': 'd-7', 'e-4': 'd-0' });
    // The new ones hold their claims now: a third copy of each is a duplicate of it.
    expect(await deliver('f-0', 'new-b')).toEqual({ id: 'e-3', duplicate: true });
    await inbox.close();
    await producer.close();
  });

  it('queues each payload as the text it was parsed from, which reads back as the same value', async () => {
    const { prefix, redis, producer } = producerOnNewPrefix();
    const texts = [
      '{ "deal_id" : "caf\\u00e9 ☕",\n  "amount": 1.50, "big": 12345678901234567890,' +
        ' "nested": {"a": [1, {"b": null}]} }',
      '{"deal_id":"plain"}',
    ];
    const events = texts.map(
      (text, n): WebhookEvent<'new_influencer_post'> => ({
        deliveryId: `d-${n}`,
        type: 'new_influencer_post',
        receivedAt: new Date(Date.UTC(2026, 11, 5, 9, n)).toISOString(),
        payload: JSON.parse(text) as WebhookEvent<'new_influencer_post'>['payload'],
      }),
    );
    const bodies = texts.map((text) => ({ raw: Buffer.from(text), text }));
    await Promise.all(events.map((event, n) => producer.addDelivery(event, bodies[n]!)));

    const inbox = new Queue<InboxBatch>(catalog.inbox.queue, { connection: redis, prefix });
    const jobs = await inbox.getJobs(['waiting']);
    expect(jobs).toHaveLength(1);
    const [job] = jobs;
    expect(job!.data).toEqual({ events });
    const stored = (await redis.hget(inbox.toKey(job!.id!), 'data'))!;
    for (const text of texts) expect(stored).toContain(`"payload":${text}}`);
    expect(Object.keys(job!.data.events[0]!)).toEqual(['deliveryId', 'type', 'receivedAt', 'payload']);
    await inbox.close();
    await producer.close();
  });
});
