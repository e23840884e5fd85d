import { INBOX_BATCH, catalog, jobOptions } from '@herohooks/contracts';
import { fixture } from '@herohooks/contracts/fixtures';
import { createLogger } from '@herohooks/runtime';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { waitFor } from '@herohooks/testing/wait';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { ShutdownDeadlineError, startConsumer, type RunningConsumer } from './consumer';
import { listDeadLetters, openQueuePair, replayDeadLetter } from './dead-letter';
import { DeferError, PermanentError, RateLimitError } from './errors';
import { DoneMarks } from './done-marks';
import type { ConsumerHandler, ConsumerOptions, JobContext } from './types';

const logger = createLogger('test', 'silent');
const payload = fixture('new_payout_request') as Record<string, unknown>;
const event = (deliveryId: string) => ({
  deliveryId,
  type: 'new_payout_request',
  receivedAt: new Date().toISOString(),
  payload,
});
const fastRetry = { ...catalog.slack, retry: { attempts: 3, backoff: { type: 'exponential', delay: 10, jitter: 0 } } };

let prefix: string;
let running: RunningConsumer | undefined;
let queue: Queue;

async function start(
  handle: ConsumerHandler['handle'],
  idempotency: ConsumerHandler['idempotency'] = 'done-mark',
  options: Partial<ConsumerOptions> = {},
) {
  prefix = uniquePrefix('kit');
  queue = new Queue(catalog.slack.queue, { connection: { url: testRedisUrl() }, prefix });
  running = await startConsumer(
    { consumer: 'slack', idempotency, handle },
    { redisUrl: testRedisUrl(), prefix, concurrency: 4, logger, metricsPort: 0, shutdownDeadlineMs: 2_000, ...options },
  );
}

const add = (id: string, data: unknown = event(id)) =>
  queue.add('new_payout_request', data, jobOptions(fastRetry as typeof catalog.slack, id));

afterEach(async () => {
  await running?.close();
  await queue?.close();
  running = undefined;
  await dropPrefix(prefix);
});

describe('startConsumer', () => {
  it('hands each job to the handler with its delivery id and attempt', async () => {
    const seen: JobContext[] = [];
    await start(async (_data, ctx) => void seen.push(ctx));
    await add('d-1');
    await waitFor(() => seen.length === 1);
    expect(seen[0]).toMatchObject({ deliveryId: 'd-1', attempt: 1, dryRun: false });
  });

  it('retries an ordinary error and completes when a later attempt succeeds', async () => {
    let calls = 0;
    await start(async () => {
      calls += 1;
      if (calls < 3) throw new Error('flaky');
    });
    const job = await add('d-2');
    await waitFor(async () => (await job.isCompleted()) && 'done');
    expect(calls).toBe(3);
  });

  it('dead-letters a permanent error at once, keeping the reason, data and delivery id', async () => {
    let calls = 0;
    await start(async () => {
      calls += 1;
      throw new PermanentError('channel is gone', { reason: 'channel_not_found' });
    });
    await add('d-3');
    const pair = openQueuePair('slack', { url: testRedisUrl() }, prefix);
    const [letter] = await waitFor(async () => {
      const letters = await listDeadLetters(pair);
      return letters.length ? letters : undefined;
    });
    expect(calls).toBe(1);
    expect(letter!.id).toBe('d-3');
    expect(letter!.data).toMatchObject({ reason: 'channel_not_found', jobId: 'd-3', attemptsMade: 1, consumer: 'slack' });
    expect(letter!.data.data).toEqual(expect.objectContaining({ deliveryId: 'd-3' }));
    const alerts = new Queue(catalog.alerts.queue, { connection: { url: testRedisUrl() }, prefix });
    await waitFor(async () => {
      const jobs = await alerts.getJobs(['waiting']);
      return jobs.length === 1 && jobs[0]!.data.deliveryId === 'd-3' && jobs[0]!.data.reason === 'channel_not_found';
    });
    await alerts.close();
    await pair.close();
  });

  it('dead-letters after the last attempt, then a replay runs it again under the same delivery id', async () => {
    let failing = true;
    const handled: string[] = [];
    await start(async (_data, ctx) => {
      if (failing) throw new Error('remote down');
      handled.push(ctx.deliveryId);
    });
    await add('d-4');
    const pair = openQueuePair('slack', { url: testRedisUrl() }, prefix);
    await waitFor(async () => (await listDeadLetters(pair)).length === 1);
    const [letter] = await listDeadLetters(pair);
    expect(letter!.data).toMatchObject({ reason: 'attempts_exhausted', attemptsMade: 3 });

    failing = false;
    expect(await replayDeadLetter(pair, 'd-4')).toBe(true);
    await waitFor(() => handled.length === 1);
    expect(handled).toEqual(['d-4']);
    expect(await listDeadLetters(pair)).toHaveLength(0);
    await pair.close();
  });

  it('does not act twice when a delivery is queued again after it was handled', async () => {
    let calls = 0;
    await start(async () => void (calls += 1));
    const first = await add('d-5');
    await waitFor(async () => (await first.isCompleted()) && 'done');
    await first.remove();
    const again = await add('d-5');
    await waitFor(async () => (await again.isCompleted()) && 'done');
    expect(calls).toBe(1);
  });

  it.each([
    ['a day by default', undefined, 24 * 3_600],
    ['as long as configured', 120, 120],
  ])('keeps a done mark %s', async (_label, doneMarkTtlSeconds, expected) => {
    await start(async () => {}, 'done-mark', doneMarkTtlSeconds === undefined ? {} : { doneMarkTtlSeconds });
    const job = await add('d-ttl');
    await waitFor(async () => (await job.isCompleted()) && 'done');
    const redis = new Redis(testRedisUrl());
    const ttl = await redis.ttl(new DoneMarks(redis, prefix, 'slack', expected).key('d-ttl'));
    redis.disconnect();
    expect(ttl).toBeGreaterThan(expected - 10);
    expect(ttl).toBeLessThanOrEqual(expected);
  });

  it('fails a job whose data does not match the catalog schema permanently', async () => {
    let calls = 0;
    await start(async () => void (calls += 1));
    await add('d-6', { not: 'an event' });
    const pair = openQueuePair('slack', { url: testRedisUrl() }, prefix);
    await waitFor(async () => (await listDeadLetters(pair)).length === 1);
    expect((await listDeadLetters(pair))[0]!.data.reason).toBe('invalid_job');
    expect(calls).toBe(0);
    await pair.close();
  });

  it('pauses the whole queue on a rate-limit error without spending an attempt', async () => {
    const times = new Map<string, number>();
    let limited = 0;
    await start(async (_data, ctx) => {
      if (ctx.deliveryId === 'first' && limited++ === 0) throw new RateLimitError('slow down', 500);
      times.set(ctx.deliveryId, Date.now());
    });
    const before = Date.now();
    const first = await add('first');
    await waitFor(() => limited === 1);
    await add('second');
    await waitFor(async () => (await first.isCompleted()) && times.size === 2);
    expect(times.get('second')! - before).toBeGreaterThanOrEqual(450);
    expect(times.get('first')! - before).toBeGreaterThanOrEqual(450);
    expect((await queue.getJob('first'))!.attemptsMade).toBeLessThanOrEqual(1);
  });

  it('defers only the one job on a defer error while others keep flowing', async () => {
    const order: string[] = [];
    let deferred = false;
    await start(async (_data, ctx) => {
      if (ctx.deliveryId === 'slow' && !deferred) {
        deferred = true;
        throw new DeferError('channel busy', 300);
      }
      order.push(ctx.deliveryId);
    });
    await add('slow');
    await waitFor(() => deferred);
    await add('fast');
    await waitFor(() => order.length === 2);
    expect(order).toEqual(['fast', 'slow']);
  });

  it('serves health, readiness and Prometheus metrics on the metrics port', async () => {
    await start(async () => undefined);
    await add('d-8');
    await waitFor(async () => (await queue.getJob('d-8'))?.finishedOn);
    const base = `http://127.0.0.1:${running!.metricsPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('herohooks_jobs_total{consumer="slack",type="new_payout_request",outcome="completed"');
    expect(metrics).toMatch(/herohooks_dead_letters\{queue="slack-dlq"[^}]*\} 0/);
  });

  it('lets an in-flight job finish before closing', async () => {
    let finished = false;
    let started = false;
    await start(async () => {
      started = true;
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished = true;
    });
    await add('d-9');
    await waitFor(() => started);
    await running!.close();
    running = undefined;
    expect(finished).toBe(true);
  });

  it('dead-letters a job that stalled more often than allowed, as BullMQ fails it outside the processor', async () => {
    prefix = uniquePrefix('kit');
    queue = new Queue(catalog.slack.queue, { connection: { url: testRedisUrl() }, prefix });
    const stalledJobs = { lockDurationMs: 300, checkIntervalMs: 200, maxStalledCount: 0 };
    await add('stuck');
    // A worker takes the job and dies with it (its lock is never renewed), as a SIGKILLed process would.
    const dying = new Worker(catalog.slack.queue, null, { connection: { url: testRedisUrl() }, prefix, lockDuration: 300 });
    expect((await dying.getNextJob('dying-token'))?.id).toBe('stuck');
    await dying.close();
    running = await startConsumer(
      { consumer: 'slack', idempotency: 'done-mark', handle: async () => undefined },
      { redisUrl: testRedisUrl(), prefix, concurrency: 1, logger, stalledJobs },
    );
    const pair = openQueuePair('slack', { url: testRedisUrl() }, prefix);
    const [letter] = await waitFor(async () => {
      const letters = await listDeadLetters(pair);
      return letters.length ? letters : undefined;
    });
    expect(letter!.data).toMatchObject({ jobId: 'stuck', reason: 'stalled_too_often' });
    await pair.close();
  });

  it('rejects close() when an in-flight job outlives the shutdown deadline, leaving the job unfinished', async () => {
    let release = () => {};
    let started = false;
    prefix = uniquePrefix('kit');
    queue = new Queue(catalog.slack.queue, { connection: { url: testRedisUrl() }, prefix });
    const stuck = await startConsumer(
      {
        consumer: 'slack',
        idempotency: 'done-mark',
        handle: () => new Promise<void>((resolve) => ((started = true), (release = resolve))),
      },
      { redisUrl: testRedisUrl(), prefix, concurrency: 1, logger, shutdownDeadlineMs: 200 },
    );
    await add('long');
    await waitFor(() => started);
    await expect(stuck.close()).rejects.toBeInstanceOf(ShutdownDeadlineError);
    expect(await (await queue.getJob('long'))!.isCompleted()).toBe(false);
    release();
    await stuck.worker.close();
  });
});

describe('startConsumer, batch jobs (a routed consumer gets the events of one inbox batch in one job)', () => {
  const addBatch = (id: string, events: unknown[]) =>
    queue.add(INBOX_BATCH, { events }, jobOptions(fastRetry as typeof catalog.slack, id));
  const letters = async () => {
    const pair = openQueuePair('slack', { url: testRedisUrl() }, prefix);
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
    const done = await new DoneMarks(redis, prefix, 'slack', 60).doneAmong(['e-1', 'e-2', 'e-3', 'e-4']);
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

  const finished = async (id: string) => (await (await queue.getJob(id))?.getState()) === 'completed';

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
    expect((await queue.getJob('batch-5'))!.finishedOn! - deferredAt).toBeLessThan(250);
    expect((await queue.getJob('batch-5-paced'))!.finishedOn! - deferredAt).toBeGreaterThanOrEqual(250);
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

  it('dead-letters a batch that stalled too often event by event, under their delivery ids, except the done ones', async () => {
    prefix = uniquePrefix('kit');
    queue = new Queue(catalog.slack.queue, { connection: { url: testRedisUrl() }, prefix });
    await addBatch('stuck-batch', [event('s-1'), event('s-2'), event('s-3')]);
    const redis = new Redis(testRedisUrl());
    await new DoneMarks(redis, prefix, 'slack', 60).markDone('s-3');
    redis.disconnect();
    const dying = new Worker(catalog.slack.queue, null, { connection: { url: testRedisUrl() }, prefix, lockDuration: 300 });
    expect((await dying.getNextJob('dying-token'))?.id).toBe('stuck-batch');
    await dying.close();
    running = await startConsumer(
      { consumer: 'slack', idempotency: 'done-mark', handle: async () => undefined },
      {
        redisUrl: testRedisUrl(),
        prefix,
        concurrency: 1,
        logger,
        stalledJobs: { lockDurationMs: 300, checkIntervalMs: 200, maxStalledCount: 0 },
      },
    );
    await waitFor(async () => (await letters()).length >= 2, { label: 'two dead letters' });
    // The listener writes the letters side by side; a third (the done s-3) would have landed by now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await letters()).map((letter) => [letter.id, letter.data.reason]).sort()).toEqual([
      ['s-1', 'stalled_too_often'],
      ['s-2', 'stalled_too_often'],
    ]);
  });
});
