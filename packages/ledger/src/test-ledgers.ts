import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebhookEvent, WebhookType } from '@herohooks/contracts';
import { fixture } from '@herohooks/contracts/fixtures';
import { createTestSchema } from '@herohooks/testing/postgres';
import { afterAll } from 'vitest';
import type { LedgerDb } from './db';
import { migrate } from './migrate';
import { createPgLedgerDb } from './pg-driver';
import { createPgliteLedgerDb } from './pglite-driver';
import { projections } from './projections';

/** One isolated ledger for one test: its own PostgreSQL schema or its own PGlite directory. */
export interface TestLedger {
  db: LedgerDb;
  /** Another handle on the same database (pg: a second pool, as a second worker has; PGlite: the one instance). */
  another(): Promise<LedgerDb>;
  cleanup(): Promise<void>;
}

export interface TestDriver {
  driver: 'pg' | 'pglite';
  create(options?: { migrated?: boolean }): Promise<TestLedger>;
}

const templates = new Map<boolean, Promise<string>>();

// Registered while the importing test file is collected: its templates go when its tests are done.
afterAll(async () => {
  const dirs = await Promise.all(templates.values());
  templates.clear();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** PGlite's initdb takes seconds: it runs once per test process, and each test copies the fresh directory. */
function pgliteTemplate(migrated: boolean): Promise<string> {
  let template = templates.get(migrated);
  if (!template) {
    template = (async () => {
      const dir = await mkdtemp(join(tmpdir(), 'hh-ledger-template-'));
      const db = await createPgliteLedgerDb(dir);
      if (migrated) await migrate(db);
      await db.close();
      return dir;
    })();
    templates.set(migrated, template);
  }
  return template;
}

async function pgliteLedger(migrated: boolean): Promise<TestLedger> {
  const dir = await mkdtemp(join(tmpdir(), 'hh-ledger-'));
  await cp(await pgliteTemplate(migrated), dir, { recursive: true });
  const db = await createPgliteLedgerDb(dir);
  return {
    db,
    another: async () => db,
    async cleanup() {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function pgLedger(migrated: boolean): Promise<TestLedger> {
  const schema = await createTestSchema('ledger');
  const handles = [createPgLedgerDb(schema.url)];
  if (migrated) await migrate(handles[0]!);
  return {
    db: handles[0]!,
    async another() {
      const handle = createPgLedgerDb(schema.url);
      handles.push(handle);
      return handle;
    },
    async cleanup() {
      await Promise.all(handles.map((h) => h.close()));
      await schema.drop();
    },
  };
}

/** For describe.each: every test runs once on real PostgreSQL and once on PGlite. */
export const testDrivers: TestDriver[] = [
  { driver: 'pg', create: ({ migrated = true } = {}) => pgLedger(migrated) },
  { driver: 'pglite', create: ({ migrated = true } = {}) => pgliteLedger(migrated) },
];

let sequence = 0;

/** A consumer job for a webhook type: the fixture payload (or the given one) under a fresh delivery id. */
export function eventOf<T extends WebhookType>(
  type: T,
  payload: object = fixture(type),
  receivedAt = '2025-03-02T18:41:07.000Z',
): WebhookEvent<T> {
  sequence += 1;
  return { deliveryId: `d-${type}-${sequence}-${randomUUID().slice(0, 8)}`, type, receivedAt, payload } as WebhookEvent<T>;
}

/** Rows per table, for "written exactly once" and "nothing written" checks. */
export async function tableCounts(db: LedgerDb): Promise<Record<string, number>> {
  const tables = [
    'events',
    ...new Set(Object.values(projections).map((p) => p.table)),
    'product_shipment_items',
  ];
  const counts = await Promise.all(
    tables.map(async (table) => {
      const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      return [table, row!.n] as const;
    }),
  );
  return Object.fromEntries(counts);
}

/** The rows one booking of a type's fixture writes, per table. */
export function rowsFor(type: WebhookType): Record<string, number> {
  const table = projections[type]?.table;
  const expected: Record<string, number> = { events: 1 };
  if (table) expected[table] = 1;
  if (type === 'product_sent') expected.product_shipment_items = fixture('product_sent').send_product_info.line_items!.length;
  return expected;
}

/** The tables that have rows. */
export function nonZero(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}
