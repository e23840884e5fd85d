import {
  INBOX_BATCH,
  catalog,
  dedupClaimKey,
  jobOptions,
  webhookTypes,
  type ConsumerName,
  type InboxDelivery,
  type WebhookType,
} from '@herohooks/contracts';
import { fixture } from '@herohooks/contracts/fixtures';
import { EnvError, createLogger } from '@herohooks/runtime';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { waitFor } from '@herohooks/testing/wait';
import { startConsumer, type RunningConsumer } from '@herohooks/worker-kit';
import { FlowProducer, Queue } from 'bullmq';
import { Redis } from 'ioredis';
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

/** Writes one inbox batch as the ingress does (claims are set by the caller when the test needs them). */
async function pushBatch(deliveries: InboxDelivery[], batchId: string) {
  await queue('inbox').add(INBOX_BATCH, { deliveries }, jobOptions(catalog.inbox, batchId));
}

async function inboxDone(batches: number) {
  await waitFor(async () => (await queue('inbox').getCompletedCount()) === batches);
}

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
    await pushBatch(webhookTypes.slice(0, 5).map((type, i) => ({ event: event(type, `d${i}`) })), 'b1');
    await pushBatch(webhookTypes.slice(5).map((type, i) => ({ event: event(type, `d${i + 5}`) })), 'b2');
    await inboxDone(2);
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

  it('adds nothing twice when the same batch is fanned out again', async () => {
    const handler = await startRouter();
    const redis = new Redis(testRedisUrl());
    const ctx = { deliveryId: 'b', attempt: 1, log: logger, dryRun: false, redis, prefix } as never;
    const batch = { deliveries: [{ event: event('new_payout_request', 'x') }] };
    await handler.handle(batch, ctx);
    await handler.handle(batch, ctx);
    await redis.quit();
    expect(await ids('ledger')).toEqual(['x']);
    expect(await ids('email')).toEqual(['x']);
  });

  it('fans out only the first copy of a delivery: a copy whose claim names another delivery id is skipped', async () => {
    await startRouter();
    const redis = new Redis(testRedisUrl());
    await redis.set(dedupClaimKey(prefix, 'same-body'), 'first');
    await redis.set(dedupClaimKey(prefix, 'other-body'), 'other');
    await redis.quit();
    await pushBatch(
      [
        { event: event('new_max_bid', 'first'), dedupId: 'same-body' },
        { event: event('new_max_bid', 'second'), dedupId: 'same-body' },
        { event: event('new_max_bid', 'other'), dedupId: 'other-body' },
        // Its claim expired with the dedup window: nothing tells it is a copy, so it goes out.
        { event: event('new_max_bid', 'late'), dedupId: 'expired-body' },
      ],
      'b',
    );
    await inboxDone(1);
    expect(await ids('ledger')).toEqual(['first', 'late', 'other']);
  });

  it('follows ROUTE_<CONSUMER> overrides: a list, every type, or none', async () => {
    await startRouter({ ROUTE_EMAIL: 'product_sent', ROUTE_SLACK: 'none', ROUTE_LEDGER: '*' });
    await pushBatch([{ event: event('product_sent', 'p') }, { event: event('new_max_bid', 'm') }], 'b');
    await inboxDone(1);
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
