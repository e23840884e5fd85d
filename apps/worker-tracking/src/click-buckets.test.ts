import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClickBuckets } from './click-buckets';

let redis: Redis;
let prefix: string;
let buckets: ClickBuckets;
const key = { deal_id: 'DEAL-1', brand_id: 'B1', country_code: 'US' };

beforeEach(() => {
  redis = new Redis(testRedisUrl());
  prefix = uniquePrefix('clicks');
  buckets = new ClickBuckets(redis, prefix);
});

afterEach(async () => {
  redis.disconnect();
  await dropPrefix(prefix);
});

describe('ClickBuckets', () => {
  it('adds a redelivered click job only once', async () => {
    const first = await buckets.add('job-1', { ...key, increase_clicks: 4 });
    const again = await buckets.add('job-1', { ...key, increase_clicks: 4 });
    await buckets.add('job-2', { ...key, increase_clicks: 1 });

    expect(first.added).toBe(true);
    expect(again).toEqual({ window: first.window, added: false });
    expect(await buckets.claim(key, first.window, 'i1')).toEqual({ state: 'claimed', clicks: 5 });
  });

  it('keeps buckets apart by lookup key, brand_id and country_code', async () => {
    const windows = await Promise.all([
      buckets.add('a', { ...key, increase_clicks: 1 }),
      buckets.add('b', { ...key, country_code: 'DE', increase_clicks: 1 }),
      buckets.add('c', { ...key, brand_id: 'B2', increase_clicks: 1 }),
      buckets.add('d', { collab_id: 'DEAL-1', brand_id: 'B1', country_code: 'US', increase_clicks: 1 }),
    ]);
    expect(new Set(windows.map((w) => w.window)).size).toBe(4);
  });

  it('sends clicks that arrive after a window was claimed in the next window', async () => {
    const { window } = await buckets.add('job-1', { ...key, increase_clicks: 2 });
    await buckets.claim(key, window, 'i1');
    const later = await buckets.add('job-2', { ...key, increase_clicks: 3 });

    expect(later.window).not.toBe(window);
    expect(await buckets.claim(key, later.window, 'i2')).toEqual({ state: 'claimed', clicks: 3 });
  });

  it('calls a window found mid-send uncertain, for the same job and for a redelivery', async () => {
    const { window } = await buckets.add('job-1', { ...key, increase_clicks: 2 });
    await buckets.claim(key, window, 'i1');

    // The worker died during the call: whoever runs the job next must not send again.
    expect(await buckets.claim(key, window, 'i1')).toEqual({ state: 'uncertain', clicks: 2 });
    expect(await buckets.claim(key, window, 'i1')).toEqual({ state: 'uncertain', clicks: 2 });
  });

  it('answers a claim that Redis runs twice (ioredis resends it after a reconnect) claimed both times', async () => {
    const { window } = await buckets.add('job-1', { ...key, increase_clicks: 2 });

    expect(await buckets.claim(key, window, 'i1', 'attempt-1')).toEqual({ state: 'claimed', clicks: 2 });
    expect(await buckets.claim(key, window, 'i1', 'attempt-1')).toEqual({ state: 'claimed', clicks: 2 });
    // Another call of the same job, after the worker died mid-send, still finds it uncertain.
    expect(await buckets.claim(key, window, 'i1', 'attempt-2')).toEqual({ state: 'uncertain', clicks: 2 });
  });

  it('lets a replayed dead letter (a new job instance) send an uncertain window again', async () => {
    const { window } = await buckets.add('job-1', { ...key, increase_clicks: 2 });
    await buckets.claim(key, window, 'i1');
    await buckets.settle(window, 'uncertain');

    expect(await buckets.claim(key, window, 'i2')).toEqual({ state: 'claimed', clicks: 2 });
  });

  it('never sends a sent window again', async () => {
    const { window } = await buckets.add('job-1', { ...key, increase_clicks: 2 });
    await buckets.claim(key, window, 'i1');
    await buckets.settle(window, 'sent');

    expect((await buckets.claim(key, window, 'i2')).state).toBe('sent');
    expect(await redis.ttl(`${prefix}:clicks:window:${window}`)).toBeGreaterThan(0);
  });

  it('lets a window whose call certainly failed be claimed again by the retry', async () => {
    const { window } = await buckets.add('job-1', { ...key, increase_clicks: 2 });
    await buckets.claim(key, window, 'i1');
    await buckets.settle(window, 'pending');

    expect(await buckets.claim(key, window, 'i1')).toEqual({ state: 'claimed', clicks: 2 });
  });
});
