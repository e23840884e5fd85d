import { openLedger } from '@herohooks/ledger';
import { createLogger, orExit } from '@herohooks/runtime';
import { runConsumerApp } from '@herohooks/worker-kit';
import { parseLedgerEnv } from './env';
import { ledgerHandler } from './handler';

const env = orExit(() => parseLedgerEnv());
const log = createLogger('worker-ledger', env.LOG_LEVEL);
const db = await openLedger(env, {
  maxConnections: env.LEDGER_CONCURRENCY,
  onIdleError: (err) => log.warn({ err }, 'idle database connection lost'),
});
log.info({ driver: db.driver }, 'ledger open and migrated');
await runConsumerApp(ledgerHandler(db), env, { concurrency: env.LEDGER_CONCURRENCY });
