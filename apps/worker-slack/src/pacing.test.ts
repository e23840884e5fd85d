import { startSlackStub, type SlackStub } from '@herohooks/testing/slack-stub';
import { dropPrefix, uniquePrefix } from '@herohooks/testing/redis';
import { waitFor } from '@herohooks/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_INTERVAL_MS } from './slack/channel-slot';
import { deliveryIdOf, sampleEvent, startTestWorker, type TestWorker } from './test-worker';

// Four channels, five messages each: proves the per-channel pace without a 20-second single-channel run.
const channels = ['C-payouts', 'C-orders', 'C-replies', 'C-posts'] as const;
const types = ['new_payout_request', 'new_influencer_order', 'new_influencer_reply', 'new_influencer_post'] as const;
const PER_CHANNEL = 5;

let stub: SlackStub;
let worker: TestWorker;
const prefix = uniquePrefix('slack-pace');

beforeAll(async () => {
  stub = await startSlackStub();
  worker = await startTestWorker({
    prefix,
    stub,
    env: Object.fromEntries(types.map((type, i) => [`SLACK_CHANNEL_${type.toUpperCase()}`, channels[i]!])),
  });
});

afterAll(async () => {
  await worker.close();
  await stub.close();
  await dropPrefix(prefix);
});

describe('a burst of 20 deliveries over 4 channels', () => {
  it('posts every one, at most one per second in each channel', { timeout: 30_000 }, async () => {
    const burst = types.flatMap((type) =>
      Array.from({ length: PER_CHANNEL }, (_, i) => sampleEvent(type, `burst-${type}-${i}`)),
    );
    await Promise.all(burst.map((event) => worker.deliver(event)));
    await waitFor(() => stub.posted().length === burst.length, { timeoutMs: 20_000, label: 'all 20 posts' });

    expect(new Set(stub.posted().map(deliveryIdOf))).toEqual(new Set(burst.map((e) => e.deliveryId)));
    for (const channel of channels) {
      const times = stub
        .posted()
        .filter((call) => call.body.channel === channel)
        .map((call) => call.at)
        .sort((a, b) => a - b);
      expect(times).toHaveLength(PER_CHANNEL);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      // The slot is claimed just before the request leaves, so request latency jitter may shave a few ms.
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(CHANNEL_INTERVAL_MS - 50);
    }
  });
});
