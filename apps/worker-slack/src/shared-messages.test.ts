import { DoneMarks } from '@herohooks/worker-kit';
import { waitFor } from '@herohooks/testing/wait';
import { describe, expect, it } from 'vitest';
import { deliveryIdsOf, postedDeliveryIds, sampleEvent, useTestbed, type TestWorker } from './test-worker';

const bed = useTestbed('slack-shared');

const unpaced = { SLACK_CHANNEL_INTERVAL_MS: '0' };

async function batchFinished(worker: TestWorker, batchId: string): Promise<boolean> {
  return (await worker.slackQueue.getJob(batchId))?.finishedOn !== undefined;
}

describe('deliveries that arrive together', () => {
  it('go to their channel as one message, a divider between them, each named in the metadata and marked done', async () => {
    const worker = await bed.start({ env: unpaced });
    const events = ['a', 'b', 'c'].map((id) => sampleEvent('new_max_bid', `dlv-${id}`));
    await worker.deliverBatch(events, 'batch-1');
    await waitFor(() => batchFinished(worker, 'batch-1'), { label: 'batch done' });

    const [post, ...more] = bed.stub.posted();
    expect(more).toHaveLength(0);
    expect(deliveryIdsOf(post!)).toEqual(['dlv-a', 'dlv-b', 'dlv-c']);
    const blocks = post!.body.blocks as Array<{ type: string }>;
    expect(blocks.filter((block) => block.type === 'divider')).toHaveLength(2);
    expect(blocks.filter((block) => block.type === 'header')).toHaveLength(3);
    const marks = await new DoneMarks(worker.redis, worker.prefix, 'slack', 60).doneAmong(events.map((e) => e.deliveryId));
    expect(marks.size).toBe(3);
  });

  it('share a message only within one channel, and at most SLACK_DELIVERIES_PER_MESSAGE to a message', async () => {
    const worker = await bed.start({
      env: { ...unpaced, SLACK_CHANNEL_NEW_PAYOUT_REQUEST: 'C-payouts', SLACK_DELIVERIES_PER_MESSAGE: '2' },
    });
    const payouts = [1, 2, 3].map((i) => sampleEvent('new_payout_request', `payout-${i}`));
    const bids = [1, 2].map((i) => sampleEvent('new_max_bid', `bid-${i}`));
    await worker.deliverBatch([payouts[0]!, bids[0]!, payouts[1]!, bids[1]!, payouts[2]!], 'batch-2');
    await waitFor(() => batchFinished(worker, 'batch-2'), { label: 'batch done' });

    const messages = bed.stub.posted().map((call) => ({ channel: call.body.channel, ids: deliveryIdsOf(call) }));
    expect(messages).toHaveLength(3);
    expect(messages).toEqual(
      expect.arrayContaining([
        { channel: 'C-payouts', ids: ['payout-1', 'payout-2'] },
        { channel: 'C-payouts', ids: ['payout-3'] },
        { channel: 'C-default', ids: ['bid-1', 'bid-2'] },
      ]),
    );
  });

  it('are posted one message each with SLACK_DELIVERIES_PER_MESSAGE=1', async () => {
    const worker = await bed.start({ env: { ...unpaced, SLACK_DELIVERIES_PER_MESSAGE: '1' } });
    await worker.deliverBatch([sampleEvent('new_max_bid', 'one'), sampleEvent('new_max_bid', 'two')], 'batch-3');
    await waitFor(() => batchFinished(worker, 'batch-3'), { label: 'batch done' });
    expect(bed.stub.posted().map(deliveryIdsOf)).toEqual(expect.arrayContaining([['one'], ['two']]));
    expect(bed.stub.posted()).toHaveLength(2);
  });

  it('fail together and are each retried on their own until posted, once each', async () => {
    bed.stub.fail({ httpStatus: 503 }, { times: 1 });
    const worker = await bed.start({ env: unpaced });
    const events = ['x', 'y'].map((id) => sampleEvent('update_commission', `dlv-${id}`));
    await worker.deliverBatch(events, 'batch-4');
    await waitFor(() => postedDeliveryIds(bed.stub).length === 2, { timeoutMs: 15_000, label: 'both posted after the 503' });
    expect(postedDeliveryIds(bed.stub).sort()).toEqual(['dlv-x', 'dlv-y']);
    expect(bed.stub.calls.filter((call) => call.method === 'chat.postMessage').map((call) => call.outcome)).toContain('http_503');
  });
});
