import type { WebhookEvent } from '@herohooks/contracts';
import { createLogger, connectRedis } from '@herohooks/runtime';
import { waitFor } from '@herohooks/testing/wait';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
// A private redis-server: flushing the scripts of the shared test Redis would break every other test's MULTIs.
import { startRedisServer, type RedisServer } from '../../../../e2e/harness/redis-server';
import { createProducer, type Producer } from './producer';

let server: RedisServer | undefined;
let producer: Producer | undefined;
let connections: Redis[] = [];

afterEach(async () => {
  await producer?.close().catch(() => undefined);
  await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
  await server?.stop();
  producer = server = undefined;
  connections = [];
});

const event = (deliveryId: string, n: number): WebhookEvent<'new_influencer_post'> => ({
  deliveryId,
  type: 'new_influencer_post',
  receivedAt: new Date().toISOString(),
  payload: { deal_id: `deal-${n}` },
});

describe('when Redis loses its scripts (SCRIPT FLUSH, a failover behind a proxy)', () => {
  it('refuses the batch caught by it without claiming anything, then accepts again once they are loaded again', async () => {
    server = await startRedisServer('everysec');
    const redis = connectRedis(server.url, 'producer');
    const admin = new Redis(server.url);
    connections = [redis, admin];
    redis.on('error', () => undefined);
    producer = createProducer({ redis, prefix: 'hh', dedupWindowSeconds: 60, logger: createLogger('test', 'silent') });
    const body = (n: number) => {
      const text = JSON.stringify({ deal_id: `deal-${n}` });
      return { raw: Buffer.from(text), text };
    };
    // A Redis that never ran BullMQ's scripts: the producer loads them before its first batch.
    expect(await producer.addDelivery(event('a', 1), body(1))).toEqual({ id: 'a', duplicate: false });

    await admin.script('FLUSH');
    await expect(producer.addDelivery(event('b', 2), body(2))).rejects.toMatchObject({ name: 'EnqueueUnavailableError' });
    expect(await admin.keys('hh:inbox-dedup:*')).toHaveLength(1); // only a's claim: b claimed nothing

    const retried = await waitFor(
      () => producer!.addDelivery(event('b-retry', 2), body(2)).catch(() => undefined),
      { label: 'the retry accepted with the scripts loaded again' },
    );
    expect(retried).toEqual({ id: 'b-retry', duplicate: false });
  });
});
