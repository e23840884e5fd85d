import { waitFor } from '@herohooks/testing/wait';
import { listDeadLetters } from '@herohooks/worker-kit';
import { describe, expect, it } from 'vitest';
import { capturingLogger, deliveryIdsOf, sampleEvent, useTestbed, type TestWorker } from './test-worker';

const bed = useTestbed('slack');

const postCalls = () => bed.stub.calls.filter((call) => call.method === 'chat.postMessage');

async function completed(worker: TestWorker, id: string): Promise<boolean> {
  return (await worker.slackQueue.getJob(id))?.finishedOn !== undefined;
}

describe('worker-slack', () => {
  it('posts a delivery with its blocks, fallback text, bearer token and delivery metadata, reading no history', async () => {
    const worker = await bed.start();
    await worker.deliver(sampleEvent('new_payout_request', 'dlv-1'));
    const [post] = await waitFor(() => (bed.stub.posted().length === 1 ? bed.stub.posted() : undefined), { label: 'one post' });
    expect(post!.body).toMatchObject({
      channel: 'C-default',
      text: expect.stringContaining('$1,500.00'),
      blocks: expect.arrayContaining([expect.objectContaining({ type: 'header' })]),
      metadata: { event_type: 'herohooks_delivery', event_payload: { delivery_id: 'dlv-1' } },
    });
    // A first attempt has nothing to reconcile.
    expect(bed.stub.calls.map((call) => call.method)).toEqual(['chat.postMessage']);
  });

  it('routes a type with SLACK_CHANNEL_<TYPE> to its channel and the rest to SLACK_CHANNEL', async () => {
    const worker = await bed.start({ env: { SLACK_CHANNEL_NEW_PAYOUT_REQUEST: 'C-payouts' } });
    await worker.deliver(sampleEvent('new_payout_request'));
    await worker.deliver(sampleEvent('new_influencer_order'));
    await waitFor(() => bed.stub.posted().length === 2, { label: 'two posts' });
    const channelOf = (type: string) => bed.stub.posted().find((call) => deliveryIdsOf(call).includes(`dlv-${type}`))?.body.channel;
    expect(channelOf('new_payout_request')).toBe('C-payouts');
    expect(channelOf('new_influencer_order')).toBe('C-default');
  });

  it('posts once when the same delivery is delivered again', async () => {
    const worker = await bed.start();
    const event = sampleEvent('new_max_bid', 'dlv-twice');
    await worker.deliver(event);
    await waitFor(() => completed(worker, 'dlv-twice'), { label: 'first run' });
    // A replay: the finished job is removed and the same delivery id is queued afresh.
    await (await worker.slackQueue.getJob('dlv-twice'))!.remove();
    await worker.deliver(event);
    await waitFor(() => completed(worker, 'dlv-twice'), { label: 'second run' });
    expect(bed.stub.posted()).toHaveLength(1);
  });

  it('dead-letters a permanent Slack error at once, keeping the Slack code as reason', async () => {
    bed.stub.fail({ error: 'channel_not_found' }, { times: Number.POSITIVE_INFINITY });
    const worker = await bed.start();
    await worker.deliver(sampleEvent('update_commission', 'dlv-lost'));
    const [letter] = await waitFor(async () => {
      const letters = await listDeadLetters(worker.slackPair);
      return letters.length > 0 ? letters : undefined;
    }, { label: 'dead letter' });
    expect(letter!.data).toMatchObject({ jobId: 'dlv-lost', reason: 'channel_not_found', attemptsMade: 1 });
    expect(bed.stub.calls.map((c) => c.outcome)).toEqual(['channel_not_found']);
  });

  it('waits out a 429 for its Retry-After, then delivers', async () => {
    bed.stub.fail({ rateLimited: { retryAfterSeconds: 1 } });
    const worker = await bed.start();
    await worker.deliver(sampleEvent('new_influencer_reply'));
    await waitFor(() => bed.stub.posted().length === 1, { label: 'post after the rate limit' });
    // The retry first reads the history (the limited attempt might have posted), then posts.
    const [limited, accepted] = postCalls();
    expect([limited!.outcome, accepted!.outcome]).toEqual(['rate_limited', 'ok']);
    // Retry-After: 1 means no new call within that second (a little slack for timer granularity).
    expect(accepted!.at - limited!.at).toBeGreaterThanOrEqual(950);
  });

  it('retries 5xx answers, then delivers once', async () => {
    bed.stub.fail({ httpStatus: 503 }, { times: 2 });
    const worker = await bed.start();
    await worker.deliver(sampleEvent('product_sent'));
    await waitFor(() => bed.stub.posted().length === 1, { label: 'post after two 503s' });
    expect(postCalls().map((c) => c.outcome)).toEqual(['http_503', 'http_503', 'ok']);
  });

  it('in dry-run renders and logs the message, posts nothing and completes', async () => {
    const { logger, entries } = capturingLogger();
    const worker = await bed.start({ dryRun: true, logger });
    await worker.deliver(sampleEvent('new_payout_request', 'dlv-dry'));
    await waitFor(() => completed(worker, 'dlv-dry'), { label: 'dry-run completion' });
    const logged = entries().find((entry) => String(entry.msg).startsWith('dry-run'));
    expect(logged).toMatchObject({ channel: 'C-default', message: { text: expect.stringContaining('$1,500.00') } });
    expect(JSON.stringify(entries())).not.toContain(bed.stub.token);
    expect(bed.stub.calls).toHaveLength(0);
  });
});
