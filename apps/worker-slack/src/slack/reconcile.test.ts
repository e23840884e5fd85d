import { waitFor } from '@herohooks/testing/wait';
import { DoneMarks } from '@herohooks/worker-kit';
import { describe, expect, it } from 'vitest';
import {
  capturingLogger,
  deliveryIdsOf,
  interruptedAttempt,
  postAsWorker,
  sampleEvent,
  useTestbed,
  type TestWorker,
} from '../test-worker';
import { attemptMarkKey, slackTs } from './reconcile';

const bed = useTestbed('slack-reconcile');

const historyCalls = () => bed.stub.calls.filter((call) => call.method === 'conversations.history');
const postsOf = (deliveryId: string) => bed.stub.posted().filter((call) => deliveryIdsOf(call).includes(deliveryId));

async function handled(worker: TestWorker, deliveryId: string) {
  await waitFor(async () => (await worker.slackQueue.getJob(deliveryId))?.finishedOn, { label: `${deliveryId} finished` });
  const job = await worker.slackQueue.getJob(deliveryId);
  const done = (await new DoneMarks(worker.redis, worker.prefix, 'slack', 60).doneAmong([deliveryId])).has(deliveryId);
  return { completed: (await job!.getState()) === 'completed', done };
}

describe('reconciling an interrupted post', () => {
  it('does not post again when the earlier attempt’s message is in the channel, and completes the job', async () => {
    const { logger, entries } = capturingLogger();
    const worker = await bed.start({ logger });
    await interruptedAttempt(worker, bed.stub, 'dlv-crashed', 'C-default');

    await worker.deliver(sampleEvent('new_payout_request', 'dlv-crashed'));
    expect(await handled(worker, 'dlv-crashed')).toEqual({ completed: true, done: true });
    expect(postsOf('dlv-crashed')).toHaveLength(1);
    expect(historyCalls()[0]!.body).toMatchObject({ channel: 'C-default', include_all_metadata: 'true', limit: '200' });
    expect(entries().find((entry) => entry.msg === 'already posted; reconciled')).toMatchObject({ deliveryId: 'dlv-crashed' });
  });

  it('does not post again when the earlier attempt’s message carried other deliveries too', async () => {
    const worker = await bed.start();
    await interruptedAttempt(worker, bed.stub, 'dlv-shared');
    await postAsWorker(bed.stub, 'C-default', 'dlv-neighbour', 'dlv-shared', 'dlv-other');

    await worker.deliver(sampleEvent('new_max_bid', 'dlv-shared'));
    expect(await handled(worker, 'dlv-shared')).toEqual({ completed: true, done: true });
    expect(postsOf('dlv-shared')).toHaveLength(1);
    expect(historyCalls()).toHaveLength(1);
  });

  it('reads the history once for the deliveries of a message that were all tried before', async () => {
    const worker = await bed.start();
    for (const id of ['dlv-r1', 'dlv-r2', 'dlv-r3']) await interruptedAttempt(worker, bed.stub, id);
    await postAsWorker(bed.stub, 'C-default', 'dlv-r2');
    const history = historyCalls().length;

    await worker.deliverBatch(['dlv-r1', 'dlv-r2', 'dlv-r3'].map((id) => sampleEvent('new_max_bid', id)), 'batch-r');
    await waitFor(async () => (await worker.slackQueue.getJob('batch-r'))?.finishedOn, { label: 'batch done' });
    expect(historyCalls().length - history).toBe(1);
    expect(['dlv-r1', 'dlv-r2', 'dlv-r3'].map((id) => postsOf(id).length)).toEqual([1, 1, 1]);
    expect(deliveryIdsOf(bed.stub.posted().at(-1)!)).toEqual(['dlv-r1', 'dlv-r3']);
  });

  it('posts exactly once when the earlier attempt left a mark but no message', async () => {
    const worker = await bed.start();
    await interruptedAttempt(worker, bed.stub, 'dlv-unsent');
    await postAsWorker(bed.stub, 'C-default', 'dlv-someone-else');

    await worker.deliver(sampleEvent('new_max_bid', 'dlv-unsent'));
    expect(await handled(worker, 'dlv-unsent')).toEqual({ completed: true, done: true });
    expect(postsOf('dlv-unsent')).toHaveLength(1);
    expect(historyCalls()).toHaveLength(1);
  });

  it('finds the earlier message on a later page of the history', async () => {
    const worker = await bed.start();
    await interruptedAttempt(worker, bed.stub, 'dlv-deep', 'C-default');
    // 250 newer messages push it past the first page of 200.
    for (let i = 0; i < 250; i += 1) await postAsWorker(bed.stub, 'C-default', `dlv-later-${i}`);

    await worker.deliver(sampleEvent('update_commission', 'dlv-deep'));
    expect(await handled(worker, 'dlv-deep')).toEqual({ completed: true, done: true });
    expect(postsOf('dlv-deep')).toHaveLength(1);
    const [first, second] = historyCalls();
    expect(first!.body.cursor).toBeUndefined();
    expect(second!.body.cursor).toEqual(expect.any(String));
  });

  it('posts anyway (at least once) when the token may not read the history, warning once', async () => {
    bed.stub.fail({ error: 'missing_scope' }, { method: 'conversations.history', times: Number.POSITIVE_INFINITY });
    const { logger, entries } = capturingLogger();
    const worker = await bed.start({ logger });
    await interruptedAttempt(worker, bed.stub, 'dlv-blind-1');
    await interruptedAttempt(worker, bed.stub, 'dlv-blind-2');

    // One after the other, so that each reads the history (deliveries handled together read it once).
    await worker.deliver(sampleEvent('new_payout_request', 'dlv-blind-1'));
    expect(await handled(worker, 'dlv-blind-1')).toEqual({ completed: true, done: true });
    await worker.deliver(sampleEvent('new_payout_request', 'dlv-blind-2'));
    expect(await handled(worker, 'dlv-blind-2')).toEqual({ completed: true, done: true });
    expect(postsOf('dlv-blind-1')).toHaveLength(1);
    expect(postsOf('dlv-blind-2')).toHaveLength(1);
    expect(historyCalls().map((call) => call.outcome)).toEqual(['missing_scope', 'missing_scope']);
    const warnings = entries().filter((entry) => entry.reason === 'missing_scope');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ needed: 'channels:history', msg: expect.stringContaining('groups:history') });
  });

  it('retries when reading the history fails for a while, then reconciles', async () => {
    bed.stub.fail({ httpStatus: 503 }, { method: 'conversations.history' });
    const worker = await bed.start();
    await interruptedAttempt(worker, bed.stub, 'dlv-flaky', 'C-default');

    await worker.deliver(sampleEvent('product_sent', 'dlv-flaky'));
    expect(await handled(worker, 'dlv-flaky')).toEqual({ completed: true, done: true });
    expect(postsOf('dlv-flaky')).toHaveLength(1);
    expect(historyCalls().map((call) => call.outcome)).toEqual(['http_503', 'ok']);
  });
});

describe('attempt marks', () => {
  const ttlOf = (worker: TestWorker, deliveryId: string) => worker.redis.ttl(attemptMarkKey(worker.prefix, deliveryId));
  const HOURS_26 = 26 * 3_600;
  const DAYS_7 = 7 * 24 * 3_600;

  it('lives 26 hours after a post Slack answered, refusals included', async () => {
    bed.stub.fail({ error: 'channel_not_found' }, { channel: 'C-gone' });
    const worker = await bed.start({ env: { SLACK_CHANNEL_NEW_MAX_BID: 'C-gone' } });
    await worker.deliver(sampleEvent('new_payout_request', 'dlv-ok'));
    await worker.deliver(sampleEvent('new_max_bid', 'dlv-refused'));
    await handled(worker, 'dlv-ok');
    await waitFor(async () => (await worker.slackQueue.getJob('dlv-refused'))?.finishedOn, { label: 'refusal dead-lettered' });
    for (const id of ['dlv-ok', 'dlv-refused']) {
      expect(await ttlOf(worker, id)).toBeGreaterThan(HOURS_26 - 10);
      expect(await ttlOf(worker, id)).toBeLessThanOrEqual(HOURS_26);
    }
  });

  it('lives a week after a post whose outcome is unknown, so a replay still reconciles', async () => {
    bed.stub.fail({ httpStatus: 503 });
    const worker = await bed.start();
    await worker.deliver(sampleEvent('product_sent', 'dlv-unknown'));
    expect(await handled(worker, 'dlv-unknown')).toEqual({ completed: true, done: true });
    expect(await ttlOf(worker, 'dlv-unknown')).toBeGreaterThan(DAYS_7 - 10);
  });
});

describe('slackTs', () => {
  it('writes milliseconds as Slack’s seconds.micros', () => {
    expect(slackTs(1_712_345_678_123)).toBe('1712345678.123000');
    expect(slackTs(1_712_345_678_005)).toBe('1712345678.005000');
  });
});
