import { createPgLedgerDb, migrate, type LedgerDb } from '@herohooks/ledger';
import { fixture } from '@herohooks/contracts/fixtures';
import { createLogger } from '@herohooks/runtime';
import { createTestSchema, testDatabaseUrl, type TestSchema } from '@herohooks/testing/postgres';
import { startTcpProxy, type TcpProxy } from '@herohooks/testing/tcp-proxy';
import { PermanentError, type JobContext } from '@herohooks/worker-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ledgerHandler } from './handler';

const ctx = { log: createLogger('test', 'silent') } as JobContext;

function event(deliveryId: string) {
  return { deliveryId, type: 'new_payout_request' as const, receivedAt: new Date().toISOString(), payload: fixture('new_payout_request') };
}

/** The schema's connection string, pointed at the proxy instead of the server. */
function viaProxy(schema: TestSchema, proxy: TcpProxy): string {
  const url = new URL(schema.url);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return url.toString();
}

describe('ledger handler when PostgreSQL goes away', () => {
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

  it('throws a retryable (not permanent) error while the database is down, then books once it is back', async () => {
    const handler = ledgerHandler(db);
    await handler.handle(event('before'), ctx);
    proxy.cut();
    const failure = await handler.handle(event('during'), ctx).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(PermanentError);
    proxy.restore();
    await handler.handle(event('during'), ctx);
    const rows = await db.query<{ delivery_id: string }>('SELECT delivery_id FROM payout_requests ORDER BY id');
    expect(rows.map((r) => r.delivery_id)).toEqual(['before', 'during']);
  });
});
