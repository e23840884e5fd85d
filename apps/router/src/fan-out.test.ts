import { catalog, jobOptions, webhookTypes, type ConsumerName, type WebhookType } from '@herohooks/contracts';
import { fixture } from '@herohooks/contracts/fixtures';
import { EnvError, createLogger } from '@herohooks/runtime';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { waitFor } from '@herohooks/testing/wait';
import { startConsumer, type RunningConsumer } from '@herohooks/worker-kit';
import { FlowProducer, Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { fanOutHandler } from './fan-out';
import { routingTable } from './routing';

const logger = createLogger('test', 'silent');
let prefix: string;
let running: RunningConsumer | undefined;
const queues: Queue[] = [];

function queue(consumer: ConsumerName): Queue {
  const q = new Queue(catalog[consumer].queue, { connection: { url: testRedisUrl() }, prefix });
  queues.push(q);
  return q;
}

const event = (type: WebhookType, deliveryId: string) => ({
  deliveryId,
  type,
  receivedAt: new Date().toISOString(),
  payload: fixture(type) as Record<string, unknown>,
});

async function startRouter(env: NodeJS.ProcessEnv = {}) {
  prefix = uniquePrefix('router');
  const flows = new FlowProducer({ connection: { url: testRedisUrl() }, prefix });
  const handler = fanOutHandler(flows, routingTable(env));
  running = await startConsumer(handler, { redisUrl: testRedisUrl(), prefix, concurrency: 4, logger });
  return handler;
}

async function ids(consumer: ConsumerName): Promise<string[]> {
  const jobs = await queue(consumer).getJobs(['waiting', 'delayed', 'active', 'completed']);
  return jobs.map((job) => job.id!).sort();
}

afterEach(async () => {
  await running?.close();
  await Promise.all(queues.splice(0).map((q) => q.close()));
  await dropPrefix(prefix);
});

describe('fan-out', () => {
  it('sends every type to ledger and slack, and only the routed types to email, under the delivery id', async () => {
    await startRouter();
    const inbox = queue('inbox');
    await Promise.all(
      webhookTypes.map((type, i) => inbox.add(type, event(type, `d${i}`), jobOptions(catalog.inbox, `d${i}`))),
    );
    await waitFor(async () => (await inbox.getCompletedCount()) === webhookTypes.length);
    const all = webhookTypes.map((_t, i) => `d${i}`).sort();
    expect(await ids('ledger')).toEqual(all);
    expect(await ids('slack')).toEqual(all);
    const emailed = ['new_payout_request', 'new_max_bid', 'new_influencer_reply'].map(
      (type) => `d${webhookTypes.indexOf(type as WebhookType)}`,
    );
    expect(await ids('email')).toEqual(emailed.sort());
    const [ledgerJob] = await queue('ledger').getJobs(['waiting'], 0, 0);
    expect(ledgerJob!.data).toMatchObject({ deliveryId: ledgerJob!.id, payload: expect.any(Object) });
  });

  it('adds nothing twice when the same event is fanned out again', async () => {
    const handler = await startRouter();
    const ctx = { deliveryId: 'x', attempt: 1, log: logger, dryRun: false } as never;
    await handler.handle(event('new_payout_request', 'x'), ctx);
    await handler.handle(event('new_payout_request', 'x'), ctx);
    expect(await ids('ledger')).toEqual(['x']);
    expect(await ids('email')).toEqual(['x']);
  });

  it('follows ROUTE_<CONSUMER> overrides: a list, every type, or none', async () => {
    await startRouter({ ROUTE_EMAIL: 'product_sent', ROUTE_SLACK: 'none', ROUTE_LEDGER: '*' });
    const inbox = queue('inbox');
    await inbox.add('product_sent', event('product_sent', 'p'), jobOptions(catalog.inbox, 'p'));
    await inbox.add('new_max_bid', event('new_max_bid', 'm'), jobOptions(catalog.inbox, 'm'));
    await waitFor(async () => (await inbox.getCompletedCount()) === 2);
    expect(await ids('email')).toEqual(['p']);
    expect(await ids('slack')).toEqual([]);
    expect(await ids('ledger')).toEqual(['m', 'p']);
  });
});

describe('routingTable', () => {
  it('refuses an unknown type with a readable message naming the variable', () => {
    prefix = uniquePrefix('router');
    expect(() => routingTable({ ROUTE_EMAIL: 'new_payout_request,payout' })).toThrow(
      new EnvError('invalid environment: ROUTE_EMAIL names unknown webhook types: payout'),
    );
  });
});
