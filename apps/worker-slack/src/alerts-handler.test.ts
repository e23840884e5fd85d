import { catalog, jobOptions, type DeadLetterAlert } from '@herohooks/contracts';
import { waitFor } from '@herohooks/testing/wait';
import { describe, expect, it } from 'vitest';
import { deliveryIdsOf, interruptedAttempt, sampleEvent, useTestbed, type TestWorker } from './test-worker';

const bed = useTestbed('slack-alerts');

const alertPosts = () => bed.stub.posted().filter((call) => call.body.channel === 'C-alerts');
/** Alerts posted, by the alert job each carries (alerts raised together may share a message). */
const alertsPosted = () => alertPosts().flatMap(deliveryIdsOf);

/** Queues the alert worker-slack's own dead letter of `deliveryId` raises, and waits until it is handled. */
async function raise(worker: TestWorker, deliveryId: string): Promise<void> {
  const alert: DeadLetterAlert = {
    consumer: 'slack',
    deadLetterQueue: catalog.slack.deadLetterQueue,
    deliveryId,
    type: 'new_max_bid',
    reason: 'attempts_exhausted',
    failedAt: '2025-03-21T12:00:00.000Z',
  };
  const jobId = `slack-${deliveryId}`;
  await worker.alertsQueue.add('dead_letter', alert, jobOptions(catalog.alerts, jobId));
  await waitFor(async () => (await worker.alertsQueue.getJob(jobId))?.finishedOn, { label: 'alert done' });
}

describe('the alerts consumer', () => {
  it('posts an alert for each dead-lettered delivery to SLACK_ALERT_CHANNEL, naming it', async () => {
    bed.stub.fail({ error: 'is_archived' }, { channel: 'C-default', times: Number.POSITIVE_INFINITY });
    const worker = await bed.start({ env: { SLACK_ALERT_CHANNEL: 'C-alerts' } });
    await worker.deliver(sampleEvent('new_payout_request', 'dlv-a'));
    await worker.deliver(sampleEvent('new_max_bid', 'dlv-b'));
    await waitFor(() => alertsPosted().length === 2, { label: 'two alerts' });

    const blocks = JSON.stringify(alertPosts().map((call) => call.body.blocks));
    expect(blocks).toMatch(/dlv-a.*new_payout_request|new_payout_request.*dlv-a/);
    expect(blocks).toMatch(/is_archived/);
    expect(blocks).toMatch(/dlv-b/);
    // Let anything stray arrive before counting again.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(alertsPosted()).toHaveLength(2);
  });

  it('escapes what an alert repeats', async () => {
    const worker = await bed.start({ env: { SLACK_ALERT_CHANNEL: 'C-alerts' } });
    const alert: DeadLetterAlert = {
      consumer: 'email',
      deadLetterQueue: catalog.email.deadLetterQueue,
      deliveryId: 'dlv-<!channel>',
      type: 'new_payout_request',
      reason: '<@U123> & <https://evil|click>',
      failedAt: '2025-03-21T12:00:00.000Z',
    };
    await worker.alertsQueue.add('dead_letter', alert, jobOptions(catalog.alerts, 'email-x'));
    const [post] = await waitFor(() => (alertPosts().length === 1 ? alertPosts() : undefined), { label: 'alert' });
    const body = JSON.stringify(post!.body);
    expect(body).not.toMatch(/<!channel|<@U123|<https:\/\/evil/);
    expect(body).toContain('&lt;@U123&gt; &amp; &lt;https://evil|click&gt;');
  });

  it('lists the deliveries of a dead-lettered inbox batch and replays them by the batch id', async () => {
    const worker = await bed.start({ env: { SLACK_ALERT_CHANNEL: 'C-alerts' } });
    const deliveryIds = Array.from({ length: 12 }, (_, i) => `dlv-${i + 1}`);
    const alert: DeadLetterAlert = {
      consumer: 'inbox',
      deadLetterQueue: catalog.inbox.deadLetterQueue,
      deliveryId: 'batch-9',
      type: 'deliveries',
      reason: 'attempts_exhausted',
      failedAt: '2025-03-21T12:00:00.000Z',
      deliveryIds,
    };
    await worker.alertsQueue.add('dead_letter', alert, jobOptions(catalog.alerts, 'inbox-batch-9'));
    const [post] = await waitFor(() => (alertPosts().length === 1 ? alertPosts() : undefined), { label: 'alert' });
    const body = JSON.stringify(post!.body.blocks);
    expect(body).toContain('inbox batch of 12 deliveries');
    expect(body).toContain('`dlv-10`');
    expect(body).not.toContain('`dlv-11`');
    expect(body).toContain('and 2 more');
    expect(body).toContain('herohooks dlq replay --queue inbox --id batch-9');
  });

  it('completes without posting when no alert channel is set', async () => {
    const worker = await bed.start();
    await raise(worker, 'dlv-quiet');
    expect(bed.stub.calls).toHaveLength(0);
  });

  it('does not post an alert again when an interrupted attempt already posted it', async () => {
    const worker = await bed.start({ env: { SLACK_ALERT_CHANNEL: 'C-alerts' } });
    await interruptedAttempt(worker, bed.stub, 'slack-dlv-once', 'C-alerts');
    await raise(worker, 'dlv-once');
    expect(alertPosts()).toHaveLength(1);
    expect(bed.stub.calls.map((call) => call.method)).toEqual(['chat.postMessage', 'conversations.history']);
  });
});
