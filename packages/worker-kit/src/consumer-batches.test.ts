import { INBOX_BATCH, catalog, jobOptions } from '@herohooks/contracts';
import { testRedisUrl } from '@herohooks/testing/redis';
import { waitFor } from '@herohooks/testing/wait';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startConsumer } from './consumer';
import { listDeadLetters, openQueuePair } from './dead-letter';
import { DeferError, PermanentError, RateLimitError } from './errors';
import { DoneMarks } from './done-marks';
import type { ConsumerHandler } from './types';
import { cleanup, event, fastRetry, kit, logger, prepare, start } from './test-consumer';

afterEach(cleanup);

describe('startConsumer, batch jobs (a routed consumer gets the events of one inbox batch in one job)', () => {
  const addBatch = (id: string, events: unknown[]) =>
    kit.queue.add(INBOX_BATCH, { events }, jobOptions(fastRetry, id));
  const letters = async () => {
    const pair = openQueuePair('slack', { url: testRedisUrl() }, kit.prefix);
    try {
      return await listDeadLetters(pair);
    } finally {
      await pair.close();
    }
  };

  it('hands each event to the handler under its own delivery id and marks each one done', async () => {
    const seen: string[] = [];
    await start(async (_data, ctx) => void seen.push(ctx.deliveryId));
    const job = await addBatch('batch-1', [event('e-1'), event('e-2'), event('e-3')]);
    await waitFor(async () => (await job.isCompleted()) && 'done');
    expect(seen.sort()).toEqual(['e-1', 'e-2', 'e-3']);
    const redis = new Redis(testRedisUrl());
    const done = await new DoneMarks(redis, kit.prefix, 'slack', 60).doneAmong(['e-1', 'e-2', 'e-3', 'e-4']);
    redis.disconnect();
    expect([...done].sort()).toEqual(['e-1', 'e-2', 'e-3']);
  });

  it('dead-letters an event that fails permanently on its own, under its delivery id, and completes the batch', async () => {
    const handled: string[] = [];
    await start(async (_data, ctx) => {
      if (ctx.deliveryId === 'bad') throw new PermanentError('channel is gone', { reason: 'channel_not_found' });
      handled.push(ctx.deliveryId);
    });
    const job = await addBatch('batch-2', [event('good'), event('bad'), { not: 'an event' }]);
    await waitFor(async () => (await job.isCompleted()) && 'done');
    expect(handled).toEqual(['good']);
    const byId = new Map((await letters()).map((letter) => [letter.id, letter.data]));
    expect(byId.get('bad')).toMatchObject({ reason: 'channel_not_found', jobId: 'bad', data: { deliveryId: 'bad' } });
    expect(byId.get('batch-2-event-2')).toMatchObject({ reason: 'invalid_job', data: { not: 'an event' } });
    expect(byId.size).toBe(2);
  });

  const finished = async (id: string) => (await (await kit.queue.getJob(id))?.getState()) === 'completed';

  it('completes the batch at once and retries a transiently failing event as a job of its own', async () => {
    const calls = new Map<string, number>();
    await start(async (_data, ctx) => {
      calls.set(ctx.deliveryId, (calls.get(ctx.deliveryId) ?? 0) + 1);
      if (ctx.deliveryId === 'flaky' && calls.get('flaky') === 1) throw new Error('remote hiccup');
    });
    await addBatch('batch-3', [event('steady'), event('flaky')]);
    await waitFor(() => finished('batch-3-flaky'), { label: 'flaky continued alone and completed' });
    expect(await finished('batch-3')).toBe(true);
    expect(Object.fromEntries(calls)).toEqual({ steady: 1, flaky: 2 });
    expect(await letters()).toHaveLength(0);
  });

  it('dead-letters an event that keeps failing after its own attempts, under its delivery id, and runs no other twice', async () => {
    const calls = new Map<string, number>();
    await start(async (_data, ctx) => {
      calls.set(ctx.deliveryId, (calls.get(ctx.deliveryId) ?? 0) + 1);
      if (ctx.deliveryId === 'down') throw new Error('remote down');
      if (ctx.deliveryId === 'refused') throw new PermanentError('no such channel', { reason: 'channel_not_found' });
    });
    await addBatch('batch-4', [event('up'), event('down'), event('refused')]);
    const found = await waitFor(async () => {
      const list = await letters();
      return list.length === 2 ? list : undefined;
    });
    const byId = new Map(found.map((letter) => [letter.id, letter.data]));
    expect(byId.get('down')).toMatchObject({ reason: 'attempts_exhausted', attemptsMade: 3, data: { deliveryId: 'down' } });
    expect(byId.get('refused')).toMatchObject({ reason: 'channel_not_found', attemptsMade: 1 });
    // The batch's one try, then the three attempts of the job it continues as.
    expect(Object.fromEntries(calls)).toEqual({ up: 1, down: 4, refused: 1 });
  });

  it('lets a deferred event wait alone while the rest of its batch completes', async () => {
    const calls: string[] = [];
    let deferredAt = 0;
    await start(async (_data, ctx) => {
      calls.push(ctx.deliveryId);
      if (ctx.deliveryId === 'paced' && deferredAt === 0) {
        deferredAt = Date.now();
        throw new DeferError('channel busy', 300);
      }
    });
    await addBatch('batch-5', [event('now'), event('paced')]);
    await waitFor(() => finished('batch-5-paced'), { label: 'paced event done' });
    expect(calls.sort()).toEqual(['now', 'paced', 'paced']);
    expect((await kit.queue.getJob('batch-5'))!.finishedOn! - deferredAt).toBeLessThan(250);
    expect((await kit.queue.getJob('batch-5-paced'))!.finishedOn! - deferredAt).toBeGreaterThanOrEqual(250);
  });

  it('pauses the queue for a rate-limited event, which then runs again alone', async () => {
    const times = new Map<string, number[]>();
    await start(async (_data, ctx) => {
      times.set(ctx.deliveryId, [...(times.get(ctx.deliveryId) ?? []), Date.now()]);
      if (ctx.deliveryId === 'limited' && times.get('limited')!.length === 1) throw new RateLimitError('slow down', 400);
    });
    await addBatch('batch-6', [event('free'), event('limited')]);
    await waitFor(() => finished('batch-6-limited'), { label: 'limited event done' });
    const [first, second] = times.get('limited')!;
    expect(second! - first!).toBeGreaterThanOrEqual(350);
    expect(times.get('free')).toHaveLength(1);
  });

  /** A worker takes the batch and dies holding it: its lock runs out, and the consumer below fails it at once. */
  const abandon = async (batchId: string) => {
    const connection = { url: testRedisUrl() };
    const dying = new Worker(catalog.slack.queue, null, { connection, prefix: kit.prefix, lockDuration: 300 });
    expect((await dying.getNextJob('dying-token'))?.id).toBe(batchId);
    await dying.close();
  };
  const startFailingStalledJobs = async (handler: ConsumerHandler) => {
    const stalledJobs = { lockDurationMs: 300, checkIntervalMs: 200, maxStalledCount: 0 };
    const options = { redisUrl: testRedisUrl(), prefix: kit.prefix, concurrency: 1, logger, stalledJobs };
    kit.running = await startConsumer(handler, options);
  };
  /**
   * The dead letters once `count` landed and a moment passed: the listener writes them side by side, so one that
   * should not be there would have landed too (the wait guards against a false pass).
   */
  const lettersOnceSettled = async (count: number) => {
    await waitFor(async () => (await letters()).length >= count, { label: `${count} dead letters` });
    await new Promise((resolve) => setTimeout(resolve, 300));
    return letters();
  };

  it('dead-letters a batch that stalled too often event by event, except the done ones and those continuing alone', async () => {
    prepare();
    await addBatch('stuck-batch', [event('s-1'), event('s-2'), event('s-3'), event('s-4')]);
    const redis = new Redis(testRedisUrl());
    await new DoneMarks(redis, kit.prefix, 'slack', 60).markDone('s-3');
    redis.disconnect();
    // An earlier run handed s-4 on as a bare job of its own (to be retried later) before it stalled.
    const pair = openQueuePair('slack', { url: testRedisUrl() }, kit.prefix);
    await pair.source.add('new_max_bid', event('s-4'), { ...jobOptions(catalog.slack, 'stuck-batch-s-4'), delay: 60_000 });
    await pair.close();
    await abandon('stuck-batch');
    await startFailingStalledJobs({ consumer: 'slack', idempotency: 'done-mark', handle: async () => undefined });
    expect((await lettersOnceSettled(2)).map((letter) => [letter.id, letter.data.reason]).sort()).toEqual([
      ['s-1', 'stalled_too_often'],
      ['s-2', 'stalled_too_often'],
    ]);
  });

  it("leaves the events a 'handler' consumer names as handled out of a stalled-out batch's dead letters", async () => {
    prepare();
    await addBatch('stuck-booked', [event('b-1'), event('b-2'), event('b-3')]);
    await abandon('stuck-booked');
    const asked: string[][] = [];
    await startFailingStalledJobs({
      consumer: 'slack',
      idempotency: 'handler',
      handle: async () => undefined,
      // As a store of its own would answer: b-2 went in before the worker died.
      handledAmong: async (ids) => {
        asked.push([...ids]);
        return new Set(ids.filter((id) => id === 'b-2'));
      },
    });
    expect((await lettersOnceSettled(2)).map((letter) => letter.id).sort()).toEqual(['b-1', 'b-3']);
    expect(asked).toEqual([['b-1', 'b-2', 'b-3']]);
  });

  it("dead-letters every event of a stalled-out batch when a 'handler' consumer cannot tell what it handled", async () => {
    prepare();
    await addBatch('stuck-unknown', [event('u-1'), event('u-2'), event('u-3')]);
    await abandon('stuck-unknown');
    await startFailingStalledJobs({
      consumer: 'slack',
      idempotency: 'handler',
      handle: async () => undefined,
      handledAmong: async () => {
        throw new Error('its database is down');
      },
    });
    expect((await lettersOnceSettled(3)).map((letter) => letter.id).sort()).toEqual(['u-1', 'u-2', 'u-3']);
  });
});
