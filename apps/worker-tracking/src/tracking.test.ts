import { Writable } from 'node:stream';
import { catalog, jobOptions, type ClickBody, type ReferralBody, type TrackingJob } from '@herohooks/contracts';
import {
  CLICK_ROUTE,
  REFERRAL_ROUTE,
  startInfluencerHeroStub,
  type InfluencerHeroStub,
} from '@herohooks/testing/influencer-hero-stub';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { waitFor } from '@herohooks/testing/wait';
import {
  listDeadLetters,
  openQueuePair,
  replayDeadLetter,
  startConsumer,
  type QueuePair,
  type RunningConsumer,
} from '@herohooks/worker-kit';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTrackingHandler } from './handler';

const CLIENT_TIMEOUT_MS = 300;
const WINDOW_MS = 800;

let stub: InfluencerHeroStub;
let prefix: string;
let redis: Redis;
let queues: QueuePair;
let consumer: RunningConsumer | undefined;
/** Every log line the worker wrote, unredacted, so a test can prove what never appears in them. */
let logText: string;

async function startWorker(options: { dryRun?: boolean } = {}): Promise<void> {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logText += chunk.toString('utf8');
      done();
    },
  });
  const handler = createTrackingHandler({
    api: { baseUrl: stub.url, apiKey: stub.apiKey, timeoutMs: CLIENT_TIMEOUT_MS },
    orderPlatform: 'test-shop',
    clickWindowMs: WINDOW_MS,
  });
  consumer = await startConsumer(handler, {
    redisUrl: testRedisUrl(),
    prefix,
    concurrency: 5,
    logger: pino({ level: 'debug' }, sink),
    dryRun: options.dryRun ?? false,
  });
}

function referral(id: string, body: Partial<ReferralBody> = {}): TrackingJob {
  const defaults = { deal_id: 'DEAL-1', order_id: `order-${id}`, order_revenue: 149.99, currency: 'USD' };
  return { kind: 'referral', id, receivedAt: new Date().toISOString(), body: { ...defaults, ...body } as ReferralBody };
}

function click(id: string, body: ClickBody): TrackingJob {
  return { kind: 'click', id, receivedAt: new Date().toISOString(), body };
}

async function enqueue(...jobs: TrackingJob[]): Promise<void> {
  await queues.source.addBulk(jobs.map((job) => ({ name: job.kind, data: job, opts: jobOptions(catalog.tracking, job.id) })));
}

async function isCompleted(id: string): Promise<boolean> {
  return (await queues.source.getJobState(id)) === 'completed';
}

/** The kit writes the dead letter just before BullMQ moves the job to failed; wait for both. */
async function failedForGood(id: string): Promise<boolean> {
  return (await queues.source.getJobState(id)) === 'failed';
}

async function deadLetter(id: string) {
  return waitFor(async () => (await listDeadLetters(queues)).find((job) => job.id === id), {
    label: `dead letter ${id}`,
  });
}

/** Waits until the worker has added `count` click batch jobs to the tracking queue; returns their ids. */
async function batchJobIds(count = 1): Promise<string[]> {
  return waitFor(
    async () => {
      const jobs = await queues.source.getJobs(['completed', 'failed', 'delayed', 'waiting', 'active']);
      const ids = jobs.filter((job) => job.name === 'click_batch').map((job) => job.id!);
      return ids.length >= count ? ids : undefined;
    },
    { label: `${count} click batch jobs` },
  );
}

beforeEach(async () => {
  logText = '';
  stub = await startInfluencerHeroStub();
  prefix = uniquePrefix('tracking');
  redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  queues = openQueuePair('tracking', redis, prefix);
});

afterEach(async () => {
  await consumer?.close();
  consumer = undefined;
  await queues.close();
  redis.disconnect();
  await stub.close();
  await dropPrefix(prefix);
});

describe('referrals', () => {
  it('are sent once with the API key header, the body and a stable order_platform', async () => {
    await startWorker();
    await enqueue(referral('r1', { order_name: '#1001', order_notes: '' }));
    await waitFor(() => isCompleted('r1'), { label: 'r1 completed' });

    const [call] = stub.callsTo(REFERRAL_ROUTE);
    expect(call).toMatchObject({ authorized: true, status: 200 });
    expect(call!.body).toEqual({
      deal_id: 'DEAL-1',
      order_id: 'order-r1',
      order_revenue: 149.99,
      currency: 'USD',
      order_name: '#1001',
      order_platform: 'test-shop',
    });
    expect(stub.referrals()).toHaveLength(1);
  });

  it('are retried after a 5xx and booked exactly once', async () => {
    stub.fail(REFERRAL_ROUTE, { status: 502 });
    await startWorker();
    await enqueue(referral('r2'));
    await waitFor(() => isCompleted('r2'), { label: 'r2 completed' });

    expect(stub.callsTo(REFERRAL_ROUTE).map((call) => call.status)).toEqual([502, 200]);
    expect(stub.referrals()).toHaveLength(1);
  });

  it('are retried after an answer lost to the timeout, and the platform keeps one', async () => {
    stub.fail(REFERRAL_ROUTE, { slowMs: CLIENT_TIMEOUT_MS * 4 });
    await startWorker();
    await enqueue(referral('r3'));
    await waitFor(() => isCompleted('r3'), { label: 'r3 completed' });

    const calls = stub.callsTo(REFERRAL_ROUTE);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.body).toEqual(calls[0]!.body);
    expect(stub.referrals()).toHaveLength(1);
  });

  it('wait for Retry-After after a 429 before the next call', async () => {
    stub.fail(REFERRAL_ROUTE, { rateLimited: { retryAfter: '1' } });
    await startWorker();
    await enqueue(referral('r4'));
    await waitFor(() => isCompleted('r4'), { label: 'r4 completed' });

    const [limited, next] = stub.callsTo(REFERRAL_ROUTE);
    expect(limited!.status).toBe(429);
    expect(next!.at - limited!.at).toBeGreaterThanOrEqual(950);
    expect(stub.referrals()).toHaveLength(1);
  });

  it('go to the dead-letter queue with the platform error_message on another 4xx, without a retry', async () => {
    stub.fail(REFERRAL_ROUTE, { status: 400, errorMessage: 'Deal not found' });
    await startWorker();
    await enqueue(referral('r5'));

    const letter = await deadLetter('r5');
    expect(letter.data.reason).toBe('Deal not found');
    expect(letter.data.error.message).toContain('Deal not found');
    expect(stub.callsTo(REFERRAL_ROUTE)).toHaveLength(1);
    await waitFor(() => failedForGood('r5'), { label: 'r5 failed' });
  });
});

describe('clicks', () => {
  it('for one (lookup key, brand_id, country_code) in one window go out as one call with their sum', async () => {
    // Queued before the worker starts, so every job is handled well within one window.
    await enqueue(
      click('c1', { deal_id: 'DEAL-1', increase_clicks: 1, brand_id: 'B1', country_code: 'US' }),
      click('c2', { deal_id: 'DEAL-1', increase_clicks: 2, brand_id: 'B1', country_code: 'US' }),
      click('c3', { deal_id: 'DEAL-1', increase_clicks: 3, brand_id: 'B1', country_code: 'US' }),
      click('c4', { deal_id: 'DEAL-1', increase_clicks: 5, brand_id: 'B1', country_code: 'DE' }),
    );
    await startWorker();
    for (const id of await batchJobIds(2)) await waitFor(() => isCompleted(id), { label: `${id} completed` });

    const bodies = stub.callsTo(CLICK_ROUTE).map((call) => call.body);
    expect(bodies).toHaveLength(2);
    expect(bodies).toEqual(
      expect.arrayContaining([
        { deal_id: 'DEAL-1', brand_id: 'B1', country_code: 'US', increase_clicks: 6 },
        { deal_id: 'DEAL-1', brand_id: 'B1', country_code: 'DE', increase_clicks: 5 },
      ]),
    );
    expect(stub.clickTotals.get('deal_id=DEAL-1')).toBe(11);
  });

  it('whose call timed out after it reached the platform are dead-lettered as uncertain and never re-sent', async () => {
    stub.fail(CLICK_ROUTE, { slowMs: CLIENT_TIMEOUT_MS * 4 });
    await enqueue(
      click('c5', { influencer_handle: 'mayacooks', increase_clicks: 4 }),
      click('c6', { influencer_handle: 'mayacooks', increase_clicks: 3 }),
    );
    await startWorker();
    const [batchId] = await batchJobIds();

    const letter = await deadLetter(batchId!);
    expect(letter.data.reason).toBe('uncertain');
    expect(letter.data.error.message).toContain('7 clicks for influencer_handle=mayacooks');
    expect(letter.data.data).toMatchObject({ kind: 'click_batch', body: { influencer_handle: 'mayacooks' } });
    // The job failed for good: no attempt is left that could call again.
    await waitFor(() => failedForGood(batchId!), { label: 'batch failed' });
    expect(stub.callsTo(CLICK_ROUTE)).toHaveLength(1);
    expect(stub.clickTotals.get('influencer_handle=mayacooks')).toBe(7);
  });

  it('of an uncertain batch are sent again, once, when a person replays its dead letter', async () => {
    stub.fail(CLICK_ROUTE, { slowMs: CLIENT_TIMEOUT_MS * 4 });
    await enqueue(click('c7', { collab_id: 'collab123', increase_clicks: 2 }));
    await startWorker();
    const [batchId] = await batchJobIds();
    await deadLetter(batchId!);

    expect(await replayDeadLetter(queues, batchId!)).toBe(true);
    await waitFor(() => isCompleted(batchId!), { label: 'replayed batch completed' });

    expect(stub.callsTo(CLICK_ROUTE).map((call) => call.body.increase_clicks)).toEqual([2, 2]);
  });

  it('are retried when the platform answered 503 (nothing booked), and counted once', async () => {
    stub.fail(CLICK_ROUTE, { status: 503 });
    await enqueue(click('c8', { deal_id: 'DEAL-2', increase_clicks: 9 }));
    await startWorker();
    const [batchId] = await batchJobIds();
    await waitFor(() => isCompleted(batchId!), { label: 'batch completed' });

    expect(stub.callsTo(CLICK_ROUTE).map((call) => call.status)).toEqual([503, 200]);
    expect(stub.clickTotals.get('deal_id=DEAL-2')).toBe(9);
  });

  it('answered with a 500 are dead-lettered as uncertain: the platform may have booked them', async () => {
    stub.fail(CLICK_ROUTE, { status: 500 });
    await enqueue(click('c9', { deal_id: 'DEAL-3', increase_clicks: 1 }));
    await startWorker();
    const [batchId] = await batchJobIds();

    expect((await deadLetter(batchId!)).data.reason).toBe('uncertain');
    expect(stub.callsTo(CLICK_ROUTE)).toHaveLength(1);
  });
});

describe('secrets and dry run', () => {
  it('never puts the API key in job data or log lines', async () => {
    stub.fail(REFERRAL_ROUTE, { status: 400, errorMessage: 'Deal not found' });
    await startWorker();
    await enqueue(referral('r6'), click('c10', { deal_id: 'DEAL-4', increase_clicks: 1 }));
    await deadLetter('r6');
    await waitFor(() => stub.callsTo(CLICK_ROUTE).length === 1, { label: 'click call' });

    const jobs = await queues.source.getJobs(['completed', 'failed', 'delayed', 'waiting', 'active']);
    expect(jobs.length).toBeGreaterThan(0);
    expect(logText).not.toBe('');
    for (const text of [logText, ...jobs.map((job) => JSON.stringify(job.data))]) {
      expect(text).not.toContain(stub.apiKey);
    }
  });

  it('logs the request it would send, without the key, and completes without calling the platform', async () => {
    await startWorker({ dryRun: true });
    await enqueue(referral('r7'));
    await waitFor(() => isCompleted('r7'), { label: 'r7 completed' });

    expect(stub.calls).toHaveLength(0);
    expect(logText).toContain(`"url":"${stub.url}${REFERRAL_ROUTE}"`);
    expect(logText).toContain('"order_platform":"test-shop"');
    expect(logText).not.toContain(stub.apiKey);
  });
});
