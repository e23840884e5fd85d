import { webhookTypes, type WebhookEvent, type WebhookType } from '@herohooks/contracts';
import { createPgLedgerDb, migrate, UnbookableEventError, type LedgerDb } from '@herohooks/ledger';
import { faultOnBooking } from '@herohooks/ledger/test-faults';
import { fixture } from '@herohooks/contracts/fixtures';
import { createLogger } from '@herohooks/runtime';
import { createTestSchema, testDatabaseUrl, type TestSchema } from '@herohooks/testing/postgres';
import { startTcpProxy, type TcpProxy } from '@herohooks/testing/tcp-proxy';
import { PermanentError, type JobContext } from '@herohooks/worker-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ledgerHandler } from './handler';

const ctx = { log: createLogger('test', 'silent') } as JobContext;

function event(deliveryId: string, type: WebhookType = 'new_payout_request', payload: object = fixture(type)): WebhookEvent {
  return { deliveryId, type, receivedAt: new Date().toISOString(), payload } as WebhookEvent;
}

/** The schema's connection string, pointed at the proxy instead of the server. */
function viaProxy(schema: TestSchema, proxy: TcpProxy): string {
  const url = new URL(schema.url);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return url.toString();
}

const settle = (handle: Promise<void>) =>
  handle.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('ledger handler on PostgreSQL', () => {
  let schema: TestSchema;
  let proxy: TcpProxy;
  let db: LedgerDb;
  beforeEach(async () => {
    schema = await createTestSchema('ledger_outage');
    const server = new URL(testDatabaseUrl());
    proxy = await startTcpProxy(Number(server.port || 5432), server.hostname);
    db = createPgLedgerDb(viaProxy(schema, proxy));
    await migrate(db);
  });
  afterEach(async () => {
    await db.close();
    await proxy.close();
    await schema.drop();
  });

  const eventCount = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events'))[0]!.n;

  it('throws a retryable (not permanent) error while the database is down, then books once it is back', async () => {
    const handler = ledgerHandler(db);
    await handler.handle(event('before'), ctx);
    proxy.cut();
    const failure = await settle(handler.handle(event('during'), ctx));
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(PermanentError);
    proxy.restore();
    await handler.handle(event('during'), ctx);
    const rows = await db.query<{ delivery_id: string }>('SELECT delivery_id FROM payout_requests ORDER BY id');
    expect(rows.map((r) => r.delivery_id)).toEqual(['before', 'during']);
  });

  it('fails every job of a batch with a retryable error when the connection is cut as it is booked, and writes none of it', async () => {
    const handler = ledgerHandler(faultOnBooking(db, 'before', () => proxy.cut()));
    const events = webhookTypes.map((type) => event(`mid-${type}`, type));
    const failures = await Promise.all(events.map((e) => settle(handler.handle(e, ctx))));
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(Error);
      expect(failure).not.toBeInstanceOf(PermanentError);
    }
    proxy.restore();
    expect(await eventCount()).toBe(0);
    await Promise.all(events.map((e) => handler.handle(e, ctx)));
    expect(await eventCount()).toBe(events.length);
  });

  it('names, among delivery ids, only those it has booked', async () => {
    const handler = ledgerHandler(db);
    await handler.handle(event('booked-before-the-stall'), ctx);
    expect(await handler.handledAmong?.(['booked-before-the-stall', 'never-reached'])).toEqual(
      new Set(['booked-before-the-stall']),
    );
  });

  it('fails only the unbookable job of a batch; the others complete with their rows committed', async () => {
    const handler = ledgerHandler(db);
    const product = fixture('product_sent');
    const tooMany = { ...product, send_product_info: { ...product.send_product_info, line_items: [{ variant_id: 1, quantity: 2 ** 40 }] } };
    const events = [...webhookTypes.map((type) => event(`ok-${type}`, type)), event('bad', 'product_sent', tooMany)];
    const failures = await Promise.all(events.map((e) => settle(handler.handle(e, ctx))));
    expect(failures.slice(0, -1)).toEqual(webhookTypes.map(() => undefined));
    expect(failures.at(-1)).toBeInstanceOf(UnbookableEventError);
    expect(failures.at(-1)).toMatchObject({ reason: 'sql_22003' });
    expect(await eventCount()).toBe(webhookTypes.length);
  });
});
