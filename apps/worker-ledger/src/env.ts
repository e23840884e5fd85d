import { LedgerDbEnv } from '@herohooks/ledger';
import { parseEnv } from '@herohooks/runtime';
import { WorkerEnv } from '@herohooks/worker-kit';
import { Type, type Static } from '@sinclair/typebox';

export const LedgerEnvSchema = Type.Object({
  ...WorkerEnv,
  ...LedgerDbEnv,
  /** Jobs in progress at once; enough to fill the batches (each job waits for its batch's commit). */
  LEDGER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 1024, default: 64 }),
  /** Most events booked in one transaction; 1 = one transaction per job. */
  LEDGER_BATCH_MAX: Type.Integer({ minimum: 1, maximum: 1000, default: 64 }),
  /** PostgreSQL connections, and so batch transactions at once (PGlite has one connection). */
  LEDGER_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 100, default: 4 }),
});

export type LedgerEnv = Static<typeof LedgerEnvSchema>;

/** Parses the worker's environment; throws EnvError with one line naming every problem. */
export function parseLedgerEnv(source: NodeJS.ProcessEnv = process.env): LedgerEnv {
  return parseEnv(LedgerEnvSchema, source);
}
