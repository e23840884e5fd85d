import { catalog, jobOptions, type WebhookEvent } from '@herohooks/contracts';
import { fixture } from '@herohooks/contracts/fixtures';
import { createPgLedgerDb, migrate, type LedgerDb } from '@herohooks/ledger';
import { createLogger } from '@herohooks/runtime';
import { createTestSchema, testDatabaseUrl, type TestSchema } from '@herohooks/testing/postgres';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { startTcpProxy, type TcpProxy } from '@herohooks/testing/tcp-proxy';
import { waitFor } from '@herohooks/testing/wait';
import { startConsumer, type DeadLetter, type RunningConsumer } from '@herohooks/worker-kit';
import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ledgerHandler } from './handler';

let counter = 0;
function eventOf(payload: object = fixture('new_payout_request')): WebhookEvent {
  counter += 1;
  return { deliveryId: `e2e-${counter}`, type: 'new_payout_request', receivedAt: new Date().toISOString(), payload } as WebhookEvent;
}

describe('worker-ledger on the real ledger queue', () => {
  let schema: TestSchema;
  let proxy: TcpProxy;
  let db: LedgerDb;
  let prefix: string;
  let running: RunningConsumer;
  let queue: Queue<WebhookEvent>;
  let deadLetters: Queue<DeadLetter>;

  beforeEach(async () => {
    schema = await createTestSchema('ledger_e2e');
    const server = new URL(testDatabaseUrl());
    proxy = await startTcpProxy(Number(server.port || 5432), server.hostname);
    const url = new URL(schema.url);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    db = createPgLedgerDb(url.toString());
    await migrate(db);
    prefix = uniquePrefix('ledger');
    running = await startConsumer(ledgerHandler(db), {
      redisUrl: testRedisUrl(),
      prefix,
      concurrency: 16,
      logger: createLogger('test', 'silent'),
    });
    queue = new Queue(catalog.ledger.queue, { connection: { url: testRedisUrl() }, prefix });
    deadLetters = new Queue(catalog.ledger.deadLetterQueue, { connection: { url: testRedisUrl() }, prefix });
  });
  afterEach(async () => {
    await running.close(); // closes db through the handler
    await Promise.all([queue.close(), deadLetters.close()]);
    await proxy.close();
    await Promise.all([dropPrefix(prefix), schema.drop()]);
  });

  // The catalog's options with a short fixed backoff, so a retry comes quickly.
  const add = (event: WebhookEvent) =>
    queue.add(event.type, event, { ...jobOptions(catalog.ledger, event.deliveryId), backoff: { type: 'fixed', delay: 100 } });
  const booked = async (deliveryId: string) =>
    (await db.query('SELECT 1 FROM payout_requests WHERE delivery_id = $1', [deliveryId])).length === 1;

  it('books a queued job, and books nothing more when the same delivery is queued again', async () => {
    const event = eventOf();
    await add(event);
    await waitFor(() => booked(event.deliveryId), { label: 'the payout booked' });
    await queue.add(event.type, event, { jobId: `${event.deliveryId}-replay` });
    await waitFor(async () => (await queue.getCompletedCount()) === 2, { label: 'the replay completed' });
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    expect(row!.n).toBe(1);
  });

  it('dead-letters an unbookable payload with its reason and books nothing', async () => {
    const payout = fixture('new_payout_request');
    const bad = eventOf({ ...payout, payout_information: { ...payout.payout_information, payout_currency: 'dollars' } });
    await add(bad);
    const letter = await waitFor(async () => (await deadLetters.getWaiting())[0], { label: 'a dead letter' });
    expect(letter.data).toMatchObject({ jobId: bad.deliveryId, reason: 'invalid_currency' });
    expect(letter.data.error.message).toContain('payout_currency');
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    expect(row!.n).toBe(0);
  });

  it('books 40 jobs queued together in shared transactions and dead-letters only the unbookable one among them', async () => {
    const payout = fixture('new_payout_request');
    const bad = eventOf({ ...payout, payout_information: { ...payout.payout_information, payout_amount: '1,500' } });
    const good = Array.from({ length: 39 }, () => eventOf());
    await queue.addBulk(
      [...good.slice(0, 20), bad, ...good.slice(20)].map((e) => ({ name: e.type, data: e, opts: jobOptions(catalog.ledger, e.deliveryId) })),
    );
    await waitFor(async () => (await queue.getCompletedCount()) === good.length, { label: 'the good jobs completed' });
    const letter = await waitFor(async () => (await deadLetters.getWaiting())[0], { label: 'a dead letter' });
    expect(letter.data).toMatchObject({ jobId: bad.deliveryId, reason: 'invalid_number' });
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM payout_requests');
    expect(row!.n).toBe(good.length);
    const [batches] = await db.query<{ n: number }>('SELECT count(DISTINCT booked_at)::int AS n FROM events');
    expect(batches!.n).toBeLessThan(good.length);
  });

  it('retries through a database outage and books the job once the database is back', async () => {
    proxy.cut();
    const event = eventOf();
    const job = await add(event);
    await waitFor(async () => ((await queue.getJob(job.id!))?.attemptsMade ?? 0) >= 2, { label: 'two failed attempts' });
    proxy.restore();
    await waitFor(() => booked(event.deliveryId), { label: 'the payout booked after the outage', timeoutMs: 20_000 });
    expect(await deadLetters.getWaitingCount()).toBe(0);
  });
});
