import { waitFor } from '@herohooks/testing/wait';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHANNEL_INTERVAL_MS } from './slack/channel-slot';
import { deliveryIdsOf, fillChannelSlot, postedDeliveryIds, sampleEvent, useTestbed } from './test-worker';

const bed = useTestbed('slack-pace');

// Four channels, five messages each: proves the per-channel pace without a 20-second single-channel run.
const channels = ['C-payouts', 'C-orders', 'C-replies', 'C-posts'] as const;
const types = ['new_payout_request', 'new_influencer_order', 'new_influencer_reply', 'new_influencer_post'] as const;
const PER_CHANNEL = 5;

const spanOf = (times: number[]) => Math.max(...times) - Math.min(...times);
/**
 * The least time `count` messages take at one a slot. Slots are booked an interval apart on Redis' clock; a post
 * may go up to 50 ms early and any time late (a loaded machine), which only stretches the span, so the whole span
 * is what proves the pace (without it, the messages would go out within milliseconds).
 */
const paced = (count: number, intervalMs: number) => (count - 1) * intervalMs - 100;

describe('the per-channel pace', () => {
  it('posts all of a burst of 20 deliveries over 4 channels, at most one message per second in each', { timeout: 30_000 }, async () => {
    const worker = await bed.start({
      env: {
        ...Object.fromEntries(types.map((type, i) => [`SLACK_CHANNEL_${type.toUpperCase()}`, channels[i]!])),
        // Two to a message: each channel needs at least three messages, so the pace shows between them.
        SLACK_DELIVERIES_PER_MESSAGE: '2',
      },
    });
    const burst = types.flatMap((type) =>
      Array.from({ length: PER_CHANNEL }, (_, i) => sampleEvent(type, `burst-${type}-${i}`)),
    );
    await Promise.all(burst.map((event) => worker.deliver(event)));
    await waitFor(() => postedDeliveryIds(bed.stub).length === burst.length, { timeoutMs: 20_000, label: 'all 20 posted' });

    expect(postedDeliveryIds(bed.stub).sort()).toEqual(burst.map((e) => e.deliveryId).sort());
    for (const call of bed.stub.posted()) expect(deliveryIdsOf(call).length).toBeLessThanOrEqual(2);
    for (const channel of channels) {
      const times = bed.stub
        .posted()
        .filter((call) => call.body.channel === channel)
        .map((call) => call.at)
        .sort((a, b) => a - b);
      expect(times.length).toBeGreaterThanOrEqual(Math.ceil(PER_CHANNEL / 2));
      expect(spanOf(times)).toBeGreaterThanOrEqual(paced(times.length, DEFAULT_CHANNEL_INTERVAL_MS));
    }
  });

  it('lets the deliveries held back for a slot out together, in shared messages', { timeout: 20_000 }, async () => {
    const worker = await bed.start();
    // Separate jobs, as a slow trickle of inbox batches leaves them: only the pace brings them together.
    const burst = Array.from({ length: 12 }, (_, i) => sampleEvent('new_max_bid', `held-${i}`));
    await fillChannelSlot(worker, 'C-default');
    await Promise.all(burst.map((event) => worker.deliver(event)));
    await waitFor(() => postedDeliveryIds(bed.stub).length === burst.length, { timeoutMs: 15_000, label: 'the burst' });
    expect(postedDeliveryIds(bed.stub).sort()).toEqual(burst.map((e) => e.deliveryId).sort());
    // One message per delivery would take 12 slots (12 s). Seven of these fit in 50 blocks, so two messages can
    // carry them: the deliveries that wait join the message of the slot booked last while it has room.
    expect(bed.stub.posted().length).toBeLessThanOrEqual(3);
  });

  it('wakes each delivery that waits for a slot about once, however long the queue', { timeout: 20_000 }, async () => {
    const worker = await bed.start({ env: { SLACK_CHANNEL_INTERVAL_MS: '200', SLACK_DELIVERIES_PER_MESSAGE: '2' } });
    const queue = Array.from({ length: 30 }, (_, i) => sampleEvent('new_max_bid', `queued-${i}`));
    await Promise.all(queue.map((event) => worker.deliver(event)));
    await waitFor(() => postedDeliveryIds(bed.stub).length === queue.length, { timeoutMs: 15_000, label: 'the queue' });

    expect(postedDeliveryIds(bed.stub).sort()).toEqual(queue.map((e) => e.deliveryId).sort());
    // Each booked its slot and waited for it: about one wait per delivery. Waiters that all retried the next free
    // slot would wait 15 × 14 / 2 × 2 ≈ 210 times.
    expect(await worker.deferrals()).toBeLessThan(queue.length * 2);
    const times = bed.stub.posted().map((call) => call.at).sort((a, b) => a - b);
    expect(times.length).toBeGreaterThanOrEqual(15);
    expect(spanOf(times)).toBeGreaterThanOrEqual(paced(times.length, 200));
  });

  it('is off with SLACK_CHANNEL_INTERVAL_MS=0: a burst to one channel goes out although its slot is taken', async () => {
    const worker = await bed.start({ env: { SLACK_CHANNEL_INTERVAL_MS: '0' } });
    // With any pace at all, this slot would hold the burst back.
    await fillChannelSlot(worker, 'C-default');
    const burst = Array.from({ length: PER_CHANNEL }, (_, i) => sampleEvent('new_max_bid', `unpaced-${i}`));
    await Promise.all(burst.map((event) => worker.deliver(event)));
    await waitFor(() => postedDeliveryIds(bed.stub).length === burst.length, { label: 'the whole burst' });
    expect(new Set(bed.stub.posted().map((call) => call.body.channel))).toEqual(new Set(['C-default']));
  });
});
