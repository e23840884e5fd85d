import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestSchema, testDatabaseUrl, type TestSchema } from '@herohooks/testing/postgres';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { startTcpProxy, type TcpProxy } from '@herohooks/testing/tcp-proxy';
import { waitFor } from '@herohooks/testing/wait';
import { catalog, inboxEvents, type InboxJob } from '@herohooks/contracts';
import { uniqueDeliveries } from './harness/deliveries';
import { freePort } from './harness/free-port';
import { bookedDeliveryIds } from './harness/ledger';
import { ProcessGroup, waitUntilReady } from './harness/process-group';
import { queueCounts } from './harness/queues';
import { startRedisServer, type RedisServer } from './harness/redis-server';
import { postOnce, sendSteadily, signedWebhook } from './harness/sender';

const RUN = randomUUID().slice(0, 8);
const webhookSecret = `whsec-outage-${RUN}`;

/** Cleanups of the running test, run in reverse order after it (also when it failed). */
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
});

async function startIngress(group: ProcessGroup): Promise<string> {
  const port = await freePort();
  group.start('ingress', { PORT: String(port), HOST: '127.0.0.1', IH_WEBHOOK_SECRETS: webhookSecret });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(url);
  return url;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('ingress while Redis is down', () => {
  it('answers 503 with Retry-After within a second, and 202 again by itself once Redis is back', async () => {
    const redis: RedisServer = await startRedisServer('always');
    cleanups.push(() => redis.stop());
    const prefix = uniquePrefix('outage-redis');
    const group = new ProcessGroup({ REDIS_URL: redis.url, QUEUE_PREFIX: prefix });
    cleanups.push(() => group.removeLogs(), () => group.stopAll());
    const url = await startIngress(group);
    const [before, during, after] = uniqueDeliveries(3, `${RUN}-redis`).map((d) => signedWebhook(d, webhookSecret));

    expect((await postOnce(url, before!)).status).toBe(202);
    await redis.crash();
    // At once, and again while the ingress's connection is retrying in the background.
    for (const pauseMs of [0, 2_000]) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      // The contract's bound is 1 s (a timer guards hung writes); the margin is for a busy shared machine.
      const { value: refused, ms } = await timed(() => postOnce(url, during!));
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toMatch(/^[a-z_]+$/);
      expect(ms).toBeLessThan(1_500);
    }
    expect((await fetch(`${url}/readyz`)).status).toBe(503);

    await redis.recover();
    const accepted = await waitFor(
      async () => {
        const answer = await postOnce(url, after!);
        return answer.status === 202 ? ((await answer.json()) as { id: string; duplicate: boolean }) : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200, label: 'a 202 after Redis came back' },
    );
    expect(accepted.duplicate).toBe(false);
    // Nothing was enqueued for the refused delivery: sent again, it is new, not a duplicate.
    const retried = await postOnce(url, during!);
    expect(retried.status).toBe(202);
    expect(((await retried.json()) as { duplicate: boolean }).duplicate).toBe(false);

    const counts = await queueCounts(redis.url, prefix, ['inbox']);
    expect(counts.inbox.inFlight).toBe(3);
    expect(group.get('ingress').restarts).toBe(0);
    expect(group.unexpectedExits()).toEqual({});
  });
});

describe('worker-ledger while PostgreSQL is unreachable', () => {
  it('keeps retrying and books every event exactly once when the database is back', async () => {
    const schema: TestSchema = await createTestSchema('outage');
    cleanups.push(() => schema.drop());
    const database = new URL(testDatabaseUrl());
    const proxy: TcpProxy = await startTcpProxy(Number(database.port || 5432), database.hostname);
    cleanups.push(() => proxy.close());
    const viaProxy = new URL(schema.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;

    const prefix = uniquePrefix('outage-pg');
    cleanups.push(() => dropPrefix(prefix));
    const group = new ProcessGroup({ REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix });
    cleanups.push(() => group.removeLogs(), () => group.stopAll());
    const url = await startIngress(group);
    group.start('router');
    group.start('worker-ledger', { DATABASE_URL: viaProxy.toString() });

    const [first, ...rest] = uniqueDeliveries(31, `${RUN}-pg`).map((d) => signedWebhook(d, webhookSecret));
    const firstAnswer = (await (await postOnce(url, first!)).json()) as { id: string };
    await waitFor(async () => (await bookedDeliveryIds(schema.url)).length === 1, { timeoutMs: 20_000, label: 'the first event booked' });

    proxy.cut();
    const outcomes = await sendSteadily(rest, { url, ratePerSecond: 20, maxRetryMs: 10_000 });
    expect(outcomes.map((o) => o.status)).toEqual(rest.map(() => 202));
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const ledgerQueue = new Queue(catalog.ledger.queue, { connection, prefix });
    cleanups.push(() => connection.disconnect(), () => ledgerQueue.close());
    // The worker keeps trying: every event's batch job fails at least twice (first try and a retry) while the
    // database is away.
    await waitFor(
      async () => {
        const jobs = await ledgerQueue.getJobs(['waiting', 'delayed', 'active', 'failed', 'completed']);
        const retried = new Set(
          jobs.filter((job) => job.attemptsMade >= 2).flatMap((job) => inboxEvents(job.data as InboxJob).map((e) => e.deliveryId)),
        );
        return outcomes.every((o) => retried.has(o.id));
      },
      { timeoutMs: 20_000, intervalMs: 250, label: 'every ledger job to have failed twice' },
    );
    expect(await bookedDeliveryIds(schema.url)).toEqual([firstAnswer.id]);
    expect(await ledgerQueue.getFailedCount()).toBe(0);

    proxy.restore();
    const accepted = new Set([firstAnswer.id, ...outcomes.map((o) => o.id)]);
    await waitFor(async () => (await bookedDeliveryIds(schema.url)).length >= accepted.size, {
      timeoutMs: 60_000,
      intervalMs: 250,
      label: `${accepted.size} events booked`,
    });
    const booked = await bookedDeliveryIds(schema.url);
    expect(booked).toHaveLength(accepted.size);
    expect(new Set(booked)).toEqual(accepted);
    const counts = await queueCounts(testRedisUrl(), prefix, ['ledger']);
    expect(counts.ledger).toMatchObject({ failed: 0, dead: 0 });
    expect(group.get('worker-ledger').restarts).toBe(0);
    expect(group.unexpectedExits()).toEqual({});
  });
});
