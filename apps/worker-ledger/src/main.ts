import { openLedger } from '@herohooks/ledger';
import { createLogger, orExit } from '@herohooks/runtime';
import { runConsumerApp } from '@herohooks/worker-kit';
import { parseLedgerEnv } from './env';
import { ledgerHandler } from './handler';

const env = orExit(() => parseLedgerEnv());
const log = createLogger('worker-ledger', env.LOG_LEVEL, env.LOG_FORMAT);
const db = await openLedger(env, {
  maxConnections: env.LEDGER_POOL_SIZE,
  onIdleError: (err) => log.warn({ err }, 'idle database connection lost'),
});
// PGlite runs one transaction at a time: more batches in flight would only queue behind it, smaller.
const batchesInFlight = db.driver === 'pglite' ? 1 : env.LEDGER_POOL_SIZE;
log.info({ driver: db.driver, batchMax: env.LEDGER_BATCH_MAX, batchesInFlight }, 'ledger open and migrated');
await runConsumerApp(ledgerHandler(db, { batchMax: env.LEDGER_BATCH_MAX, batchesInFlight }), env, {
  concurrency: env.LEDGER_CONCURRENCY,
});
