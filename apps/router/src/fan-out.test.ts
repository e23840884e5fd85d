import {
  INBOX_BATCH,
  catalog,
  inboxCopiesKey,
  inboxEvents,
  jobOptions,
  type InboxJob,
  webhookTypes,
  type ConsumerName,
  type WebhookEvent,
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

const event = (type: WebhookType, deliveryId: string) =>
  ({ deliveryId, type, receivedAt: new Date().toISOString(), payload: fixture(type) }) as WebhookEvent;

/** Writes one inbox batch as the ingress does (its copies hash is written by the test when it needs one). */
async function pushBatch(events: WebhookEvent[], batchId: string) {
  await queue('inbox').add(INBOX_BATCH, { events }, jobOptions(catalog.inbox, batchId));
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

/** The delivery ids in a consumer's queue, over all its batch jobs. */
async function ids(consumer: ConsumerName): Promise<string[]> {
  const jobs = await queue(consumer).getJobs(['waiting', 'delayed', 'active', 'completed']);
  return jobs.flatMap((job) => inboxEvents(job.data as InboxJob).map((e) => e.deliveryId)).sort();
}

afterEach(async () => {
  await running?.close();
  await Promise.all(queues.splice(0).map((q) => q.close()));
  await dropPrefix(prefix);
});

describe('fan-out', () => {
  it('sends every type to ledger and slack, and only the routed types to email, one batch job per consumer', async () => {
    await startRouter();
    await pushBatch(webhookTypes.slice(0, 5).map((type, i) => event(type, `d${i}`)), 'b1');
    await pushBatch(webhookTypes.slice(5).map((type, i) => event(type, `d${i + 5}`)), 'b2');
    await inboxDone(2);
    const all = webhookTypes.map((_t, i) => `d${i}`).sort();
    expect(await ids('ledger')).toEqual(all);
    expect(await ids('slack')).toEqual(all);
    const emailed = ['new_payout_request', 'new_max_bid', 'new_influencer_reply'].map(
      (type) => `d${webhookTypes.indexOf(type as WebhookType)}`,
    );
    expect(await ids('email')).toEqual(emailed.sort());
    const emailJobs = await queue('email').getJobs(['waiting']);
    expect(emailJobs.map((job) => job.id).sort()).toEqual(['b1', 'b2']);
    const b1 = emailJobs.find((job) => job.id === 'b1')!;
    expect(b1.name).toBe(INBOX_BATCH);
    const b1Emailed = emailed.filter((id) => Number(id.slice(1)) < 5).sort();
    expect(inboxEvents(b1.data as InboxJob).map((e) => e.deliveryId)).toEqual(b1Emailed);
    expect(b1.data.events[0]).toMatchObject({ payload: expect.any(Object) });
  });

  it('adds nothing twice when the same batch is fanned out again', async () => {
    const handler = await startRouter();
    const redis = new Redis(testRedisUrl());
    const ctx = { deliveryId: 'b', attempt: 1, log: logger, dryRun: false, redis, prefix } as never;
    const batch = { events: [event('new_payout_request', 'x')] };
    await handler.handle(batch, ctx);
    await handler.handle(batch, ctx);
    await redis.quit();
    expect(await ids('ledger')).toEqual(['x']);
    expect(await ids('email')).toEqual(['x']);
  });

  it("leaves out the deliveries the batch's copies hash names, whenever the batch is handled", async () => {
    await startRouter();
    const redis = new Redis(testRedisUrl());
    await redis.hset(inboxCopiesKey(prefix, 'b'), 'second', 'first');
    await redis.quit();
    await pushBatch([event('new_max_bid', 'second'), event('new_max_bid', 'other')], 'b');
    await inboxDone(1);
    expect(await ids('ledger')).toEqual(['other']);
  });

  it('dead-letters an event that does not match the schema on its own, and fans the rest of its batch out', async () => {
    await startRouter();
    const unknownType = { ...event('new_max_bid', 'bad'), type: 'a_type_from_a_newer_release' } as never;
    await pushBatch([event('new_max_bid', 'good'), unknownType], 'b');
    const deadLetters = new Queue(catalog.inbox.deadLetterQueue, { connection: { url: testRedisUrl() }, prefix });
    queues.push(deadLetters);
    await waitFor(async () => (await deadLetters.getWaitingCount()) === 1, { label: 'one inbox dead letter' });
    const [letter] = await deadLetters.getJobs(['waiting']);
    expect(letter!.data).toMatchObject({ reason: 'invalid_event', data: { events: [{ deliveryId: 'bad' }] } });
    expect(await ids('ledger')).toEqual(['good']);
  });

  it('fans out a bare event left in the inbox by a release before batching', async () => {
    await startRouter();
    await queue('inbox').add('new_max_bid', event('new_max_bid', 'old'), jobOptions(catalog.inbox, 'old'));
    await inboxDone(1);
    expect(await ids('ledger')).toEqual(['old']);
  });

  it('follows ROUTE_<CONSUMER> overrides: a list, every type, or none', async () => {
    await startRouter({ ROUTE_EMAIL: 'product_sent', ROUTE_SLACK: 'none', ROUTE_LEDGER: '*' });
    await pushBatch([event('product_sent', 'p'), event('new_max_bid', 'm')], 'b');
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
