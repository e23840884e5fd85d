import { catalog } from '@herohooks/contracts';
import { testRedisUrl } from '@herohooks/testing/redis';
import { waitFor } from '@herohooks/testing/wait';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { ShutdownDeadlineError, startConsumer } from './consumer';
import { listDeadLetters, openQueuePair, replayDeadLetter } from './dead-letter';
import { DeferError, PermanentError, RateLimitError } from './errors';
import { DoneMarks } from './done-marks';
import type { JobContext } from './types';
import { add, cleanup, kit, logger, prepare, start } from './test-consumer';

afterEach(cleanup);

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
    const pair = openQueuePair('slack', { url: testRedisUrl() }, kit.prefix);
    const [letter] = await waitFor(async () => {
      const letters = await listDeadLetters(pair);
      return letters.length ? letters : undefined;
    });
    expect(calls).toBe(1);
    expect(letter!.id).toBe('d-3');
    expect(letter!.data).toMatchObject({ reason: 'channel_not_found', jobId: 'd-3', attemptsMade: 1, consumer: 'slack' });
    expect(letter!.data.data).toEqual(expect.objectContaining({ deliveryId: 'd-3' }));
    const alerts = new Queue(catalog.alerts.queue, { connection: { url: testRedisUrl() }, prefix: kit.prefix });
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
    const pair = openQueuePair('slack', { url: testRedisUrl() }, kit.prefix);
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
    const ttl = await redis.ttl(new DoneMarks(redis, kit.prefix, 'slack', expected).key('d-ttl'));
    redis.disconnect();
    expect(ttl).toBeGreaterThan(expected - 10);
    expect(ttl).toBeLessThanOrEqual(expected);
  });

  it('fails a job whose data does not match the catalog schema permanently', async () => {
    let calls = 0;
    await start(async () => void (calls += 1));
    await add('d-6', { not: 'an event' });
    const pair = openQueuePair('slack', { url: testRedisUrl() }, kit.prefix);
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
    expect((await kit.queue.getJob('first'))!.attemptsMade).toBeLessThanOrEqual(1);
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
    await waitFor(async () => (await kit.queue.getJob('d-8'))?.finishedOn);
    const base = `http://127.0.0.1:${kit.running!.metricsPort}`;
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
    await kit.running!.close();
    kit.running = undefined;
    expect(finished).toBe(true);
  });

  it('dead-letters a job that stalled more often than allowed, as BullMQ fails it outside the processor', async () => {
    prepare();
    const stalledJobs = { lockDurationMs: 300, checkIntervalMs: 200, maxStalledCount: 0 };
    await add('stuck');
    // A worker takes the job and dies with it (its lock is never renewed), as a SIGKILLed process would.
    const dying = new Worker(catalog.slack.queue, null, { connection: { url: testRedisUrl() }, prefix: kit.prefix, lockDuration: 300 });
    expect((await dying.getNextJob('dying-token'))?.id).toBe('stuck');
    await dying.close();
    kit.running = await startConsumer(
      { consumer: 'slack', idempotency: 'done-mark', handle: async () => undefined },
      { redisUrl: testRedisUrl(), prefix: kit.prefix, concurrency: 1, logger, stalledJobs },
    );
    const pair = openQueuePair('slack', { url: testRedisUrl() }, kit.prefix);
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
    prepare();
    const stuck = await startConsumer(
      {
        consumer: 'slack',
        idempotency: 'done-mark',
        handle: () => new Promise<void>((resolve) => ((started = true), (release = resolve))),
      },
      { redisUrl: testRedisUrl(), prefix: kit.prefix, concurrency: 1, logger, shutdownDeadlineMs: 200 },
    );
    await add('long');
    await waitFor(() => started);
    await expect(stuck.close()).rejects.toBeInstanceOf(ShutdownDeadlineError);
    expect(await (await kit.queue.getJob('long'))!.isCompleted()).toBe(false);
    release();
    await stuck.worker.close();
  });
});
