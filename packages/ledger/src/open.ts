import { parseEnv } from '@herohooks/runtime';
import { Type } from '@sinclair/typebox';
import type { LedgerDb } from './db';
import { migrate } from './migrate';
import { createPgLedgerDb, type PgDriverOptions } from './pg-driver';
import { createPgliteLedgerDb } from './pglite-driver';

/** Environment of every ledger user (worker, CLI): PostgreSQL when DATABASE_URL is set, else PGlite in LEDGER_DIR. */
export const LedgerDbEnv = {
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  LEDGER_DIR: Type.String({ default: './data/ledger', minLength: 1 }),
};

export interface LedgerLocation {
  DATABASE_URL?: string | undefined;
  LEDGER_DIR: string;
}

/** DATABASE_URL / LEDGER_DIR from an environment; throws EnvError naming what is wrong. */
export function parseLedgerLocation(source: NodeJS.ProcessEnv): LedgerLocation {
  return parseEnv(Type.Object(LedgerDbEnv), source);
}

/** Opens the ledger on the configured driver and brings its schema up to date. */
export async function openLedger(location: LedgerLocation, options: PgDriverOptions = {}): Promise<LedgerDb> {
  const db = location.DATABASE_URL
    ? createPgLedgerDb(location.DATABASE_URL, options)
    : await createPgliteLedgerDb(location.LEDGER_DIR);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
