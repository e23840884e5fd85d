import { LedgerDbEnv } from '@herohooks/ledger';
import { parseEnv } from '@herohooks/runtime';
import { WorkerEnv } from '@herohooks/worker-kit';
import { Type, type Static } from '@sinclair/typebox';

export const LedgerEnvSchema = Type.Object({
  ...WorkerEnv,
  ...LedgerDbEnv,
  /** Jobs booked at once; each holds one database connection for its transaction. */
  LEDGER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256, default: 8 }),
});

export type LedgerEnv = Static<typeof LedgerEnvSchema>;

/** Parses the worker's environment; throws EnvError with one line naming every problem. */
export function parseLedgerEnv(source: NodeJS.ProcessEnv = process.env): LedgerEnv {
  return parseEnv(LedgerEnvSchema, source);
}
