import { catalog, inboxEvents, type InboxJob } from '@herohooks/contracts';
import { fixtureText } from '@herohooks/contracts/fixtures';
import { createLogger } from '@herohooks/runtime';
import { fanOutHandler } from '@herohooks/router/src/fan-out';
import { routingTable } from '@herohooks/router/src/routing';
import { testRedisUrl } from '@herohooks/testing/redis';
import { waitFor } from '@herohooks/testing/wait';
import { startConsumer, type RunningConsumer } from '@herohooks/worker-kit';
import { FlowProducer, Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { signedWebhook, startTestIngress, type TestIngress } from '../test-support';

let ingress: TestIngress | undefined;
let router: RunningConsumer | undefined;
let ledger: Queue | undefined;

afterEach(async () => {
  await router?.close();
  await ledger?.close();
  await ingress?.close();
  router = ledger = ingress = undefined;
});

describe('copies, from the ingress through the real router', () => {
  it('fans a delivery sent three times (twice in one batch, once in a later one) out once, under the id every answer names', async () => {
    ingress = await startTestIngress();
    const { prefix } = ingress;
    const flows = new FlowProducer({ connection: { url: testRedisUrl() }, prefix });
    router = await startConsumer(fanOutHandler(flows, routingTable({})), {
      redisUrl: testRedisUrl(),
      prefix,
      concurrency: 4,
      logger: createLogger('test', 'silent'),
    });
    const body = fixtureText('new_payout_request');
    const together = await Promise.all([1, 2].map(() => ingress!.app.inject(signedWebhook('new_payout_request', body))));
    const later = await ingress.app.inject(signedWebhook('new_payout_request', body));
    const answers = [...together, later].map((r) => ({ status: r.statusCode, ...r.json() }));
    const first = answers.find((a) => a.status === 202)!;
    expect(answers.map((a) => [a.status, a.id])).toEqual([
      [202, first.id],
      [200, first.id],
      [200, first.id],
    ]);

    ledger = new Queue(catalog.ledger.queue, { connection: { url: testRedisUrl() }, prefix });
    const inbox = new Queue(catalog.inbox.queue, { connection: { url: testRedisUrl() }, prefix });
    // The later copy had its own batch, which the router must handle (and leave empty) too.
    await waitFor(async () => (await inbox.getCompletedCount()) === 2, { label: 'both inbox batches handled' });
    await inbox.close();
    const jobs = await ledger.getJobs(['waiting', 'active', 'completed']);
    expect(jobs.flatMap((job) => inboxEvents(job.data as InboxJob).map((event) => event.deliveryId))).toEqual([first.id]);
  });
});
