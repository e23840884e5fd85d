import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { LedgerDb, Queryable, Row, ScanQuery } from './db';
import { scanSql } from './db';
import { lockDirectory } from './dir-lock';

const INT8 = 20;
const PAGE_SIZE = 1_000;

/**
 * Embedded PostgreSQL (PGlite) persisted in a directory. PGlite is one process's database: a lock file refuses a
 * second process on the same directory. bigint is returned as a string, as pg does.
 */
export async function createPgliteLedgerDb(directory: string): Promise<LedgerDb> {
  const dataDir = resolve(directory);
  await mkdir(dataDir, { recursive: true });
  const unlock = await lockDirectory(dataDir);
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir, { parsers: { [INT8]: (value: string) => value } });
  } catch (error) {
    await unlock();
    throw error;
  }

  const on = (target: Transaction | PGlite): Queryable => ({
    query: async <R extends Row>(sql: string, params: readonly unknown[] = []) =>
      (await target.query<R>(sql, params as unknown[])).rows,
    exec: async (sql: string) => {
      await target.exec(sql);
    },
  });
  const { query } = on(db);

  return {
    driver: 'pglite',
    ...on(db),
    transaction: <T>(work: (tx: Queryable) => Promise<T>) => db.transaction((tx) => work(on(tx))),
    // PGlite has no cursors across calls: read keyset pages so memory stays bounded by one page.
    async *scan<R extends Row>(scan: ScanQuery): AsyncIterable<R> {
      let after: unknown = null;
      for (;;) {
        const keyParam = `$${scan.params.length + 1}`;
        const sql = `${scanSql(
          { ...scan, select: `${scan.select}, ${scan.key} AS scan_key` },
          [`(${keyParam}::bigint IS NULL OR ${scan.key} > ${keyParam}::bigint)`],
        )} LIMIT ${PAGE_SIZE}`;
        const page = await query<R & { scan_key: unknown }>(sql, [...scan.params, after]);
        for (const { scan_key: key, ...row } of page) {
          after = key;
          yield row as unknown as R;
        }
        if (page.length < PAGE_SIZE) return;
      }
    },
    async close() {
      try {
        await db.close();
      } finally {
        await unlock();
      }
    },
  };
}
