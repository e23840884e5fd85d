import { startSlackStub, type SlackStub } from '@herohooks/testing/slack-stub';
import { waitFor } from '@herohooks/testing/wait';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderEvent } from '../render/render';
import { deliveryIdsOf, sampleEvent, useRedisContext } from '../test-worker';
import { createSlackClient } from './client';
import { createPoster } from './poster';

let stub: SlackStub;
const { contextOf } = useRedisContext('slack-poster');

beforeEach(async () => {
  stub = await startSlackStub();
});
afterEach(async () => {
  await stub.close();
});

describe('the poster', () => {
  it('lets deliveries handed over a few milliseconds apart share one message', async () => {
    const poster = createPoster(createSlackClient(stub.token, stub.url), { channelIntervalMs: 0, deliveriesPerMessage: 10 });
    const first = poster.post('C-1', renderEvent(sampleEvent('new_max_bid', 'early')), contextOf('early'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = poster.post('C-1', renderEvent(sampleEvent('new_max_bid', 'late')), contextOf('late'));
    await Promise.all([first, second]);
    expect(stub.posted().map(deliveryIdsOf)).toEqual([['early', 'late']]);
  });

  it("posts a burst's messages for one channel side by side, not each after the last one's answer", async () => {
    const client = createSlackClient(stub.token, stub.url);
    const poster = createPoster(client, { channelIntervalMs: 0, deliveriesPerMessage: 1 });
    const release = stub.holdAnswers();
    const post = (id: string) => poster.post('C-1', renderEvent(sampleEvent('new_max_bid', id)), contextOf(id));
    const posts = ['m1', 'm2', 'm3'].map(post);
    try {
      await waitFor(() => stub.calls.length === 3, { label: 'three messages sent before any answer' });
    } finally {
      release();
      await Promise.allSettled(posts);
    }
    expect(stub.posted().map(deliveryIdsOf).flat().sort()).toEqual(['m1', 'm2', 'm3']);
  });

  it('sends a refused shared message again one delivery at a time: only a delivery refused alone is refused', async () => {
    // The shared message, then the first delivery alone, are refused (as Slack refuses one bad delivery's blocks).
    stub.fail({ error: 'invalid_blocks' }, { times: 2 });
    const poster = createPoster(createSlackClient(stub.token, stub.url), { channelIntervalMs: 0, deliveriesPerMessage: 10 });
    const posts = ['bad', 'good'].map((id) => poster.post('C-1', renderEvent(sampleEvent('new_max_bid', id)), contextOf(id)));
    const [bad, good] = await Promise.allSettled(posts);
    expect(bad).toMatchObject({ status: 'rejected', reason: { reason: 'invalid_blocks' } });
    expect(good).toMatchObject({ status: 'fulfilled' });
    expect(stub.calls.map((call) => call.outcome)).toEqual(['invalid_blocks', 'invalid_blocks', 'ok']);
    expect(stub.posted().map(deliveryIdsOf)).toEqual([['good']]);
  });

  it('does not send a message refused for its channel again one by one: every delivery takes the refusal', async () => {
    stub.fail({ error: 'channel_not_found' }, { times: Number.POSITIVE_INFINITY });
    const poster = createPoster(createSlackClient(stub.token, stub.url), { channelIntervalMs: 0, deliveriesPerMessage: 10 });
    const posts = ['a', 'b'].map((id) => poster.post('C-1', renderEvent(sampleEvent('new_max_bid', id)), contextOf(id)));
    const outcomes = await Promise.allSettled(posts);
    expect(outcomes).toMatchObject([
      { status: 'rejected', reason: { reason: 'channel_not_found' } },
      { status: 'rejected', reason: { reason: 'channel_not_found' } },
    ]);
    expect(stub.calls).toHaveLength(1);
  });
});
