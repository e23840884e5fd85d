import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dropPrefix } from '@herohooks/testing/redis-keys';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createSchema } from '@herohooks/testing/schemas';
// bench/ is not a workspace package: the workspace packages are imported by path.
import { catalog, jobOptions, type WebhookEvent } from '../packages/contracts/src/index';
import { fixture } from '../packages/contracts/src/fixtures';
import { createPgLedgerDb } from '../packages/ledger/src/pg-driver';
import { migrate } from '../packages/ledger/src/migrate';
import { parseLedgerEnv } from '../apps/worker-ledger/src/env';

export interface LedgerBenchOptions {
  jobs?: number;
  /**
   * The "N" of the unbatched concurrent run (worker LEDGER_CONCURRENCY and pool size, one transaction per job) and
   * the plain loop's parallel connections. The batched run uses the worker's defaults.
   */
  concurrency?: number;
  redisUrl?: string;
  databaseUrl?: string;
  /** Upper bound for one run; the bench fails rather than wait longer. */
  timeoutMs?: number;
}

export interface LedgerRun {
  label: string;
  concurrency: number;
  /** Worker runs: most events per transaction (1 = one transaction per job) and database connections. */
  batchMax?: number;
  poolSize?: number;
  jobsPerS: number;
  seconds: number;
  /** Worker process memory at the end of the run and its peak (queue runs only). */
  rssMb?: number;
  peakRssMb?: number;
  /** Worker process CPU (user + system) during the timed part, in percent of one core (queue runs only). */
  cpuPercent?: number;
}

export interface LedgerBenchResult {
  name: 'ledger';
  jobs: number;
  plain: LedgerRun;
  queued1: LedgerRun;
  queuedN: LedgerRun;
  /** The worker as shipped: batched commits with its default LEDGER_CONCURRENCY, LEDGER_BATCH_MAX, LEDGER_POOL_SIZE. */
  batched: LedgerRun;
  /** queued (concurrency N) jobs/s ÷ plain-insert rows/s, same run; the target is ≥ 0.5. */
  ratio: number;
  /** batched jobs/s ÷ plain-insert rows/s, same run (above 1: batching beats one transaction per job). */
  batchedRatio: number;
}

/** How the worker process of one run is configured. */
interface WorkerSettings {
  concurrency: number;
  batchMax: number;
  poolSize: number;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const payload = fixture('new_payout_request');

function eventsFor(label: string, jobs: number): WebhookEvent<'new_payout_request'>[] {
  const receivedAt = new Date().toISOString();
  return Array.from({ length: jobs }, (_, i) => ({ deliveryId: `${label}-${i}`, type: 'new_payout_request', receivedAt, payload }));
}

/** The ceiling: the same rows bookEvent writes (event + payout, one transaction each), by plain pg, no queue. */
async function plainInserts(url: string, events: WebhookEvent<'new_payout_request'>[], concurrency: number): Promise<LedgerRun> {
  const pool = new pg.Pool({ connectionString: url, max: concurrency });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const client = await pool.connect();
      try {
        for (let i = next++; i < events.length; i = next++) {
          const { deliveryId, receivedAt, payload: p } = events[i]!;
          const info = p.payout_information;
          await client.query('BEGIN');
          await client.query(
            `INSERT INTO events (delivery_id, type, received_at, deal_id, collab_id, payload) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT DO NOTHING RETURNING 1`,
            [deliveryId, 'new_payout_request', receivedAt, p.deal_id ?? null, null, JSON.stringify(p)],
          );
          await client.query(
            `INSERT INTO payout_requests (delivery_id, received_at, deal_id, brand_id, payout_amount, payout_currency, payout_comment)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING 1`,
            [deliveryId, receivedAt, p.deal_id ?? null, info.brand_id, String(info.payout_amount), info.payout_currency, info.payout_comment],
          );
          await client.query('COMMIT');
        }
      } finally {
        client.release();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.end();
  return { label: 'plain pg inserts (no queue)', concurrency, jobsPerS: Math.round(events.length / seconds), seconds };
}

function memoryMb(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024) };
}

// /proc/<pid>/stat counts CPU in clock ticks, 100 per second on Linux.
const TICKS_PER_S = 100;

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

async function until(check: () => Promise<boolean>, timeoutMs: number, label: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`ledger bench: timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** 10k jobs queued (paused), the real worker-ledger app started as its own process, then timed from resume to done. */
async function queuedRun(
  options: Required<LedgerBenchOptions> & { url: string },
  admin: pg.Pool,
  label: string,
  worker: WorkerSettings,
): Promise<LedgerRun> {
  const prefix = `hh-bench-ledger-${randomUUID().slice(0, 8)}`;
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(catalog.ledger.queue, { connection, prefix });
  let child: ChildProcess | undefined;
  try {
    await queue.pause();
    const ids = `c${worker.concurrency}-b${worker.batchMax}-${prefix}`;
    const events = eventsFor(ids, options.jobs);
    for (let i = 0; i < events.length; i += 1_000) {
      await queue.addBulk(
        events.slice(i, i + 1_000).map((e) => ({ name: e.type, data: e, opts: jobOptions(catalog.ledger, e.deliveryId) })),
      );
    }
    child = spawn(process.execPath, ['--import', 'tsx', 'apps/worker-ledger/src/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: options.url,
        REDIS_URL: options.redisUrl,
        QUEUE_PREFIX: prefix,
        LEDGER_CONCURRENCY: String(worker.concurrency),
        LEDGER_BATCH_MAX: String(worker.batchMax),
        LEDGER_POOL_SIZE: String(worker.poolSize),
        LOG_LEVEL: 'warn',
        METRICS_PORT: '',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    await until(async () => (await queue.getWorkersCount()) > 0, options.timeoutMs, 'the worker to start');
    const booked = async () =>
      Number((await admin.query('SELECT count(*)::int AS n FROM events WHERE delivery_id LIKE $1', [`${ids}-%`])).rows[0].n);
    const started = performance.now();
    const cpuBefore = cpuSeconds(child.pid!);
    await queue.resume();
    await until(async () => (await booked()) >= options.jobs, options.timeoutMs, `${options.jobs} bookings`);
    const seconds = (performance.now() - started) / 1000;
    const cpuPercent = Math.round((100 * (cpuSeconds(child.pid!) - cpuBefore)) / seconds);
    return {
      label,
      ...worker,
      jobsPerS: Math.round(options.jobs / seconds),
      seconds,
      ...memoryMb(child.pid!),
      cpuPercent,
    };
  } finally {
    if (child && child.exitCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await queue.close();
    await dropPrefix(prefix, options.redisUrl);
    connection.disconnect();
  }
}

export async function benchLedger(options: LedgerBenchOptions = {}): Promise<LedgerBenchResult> {
  const settings = {
    jobs: options.jobs ?? 10_000,
    concurrency: options.concurrency ?? 32,
    redisUrl: options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    databaseUrl: options.databaseUrl ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    timeoutMs: options.timeoutMs ?? 300_000,
  };
  const schema = await createSchema(settings.databaseUrl, 'bench_ledger');
  const url = schema.url;
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const db = createPgLedgerDb(url);
    await migrate(db);
    await db.close();
    const run = { ...settings, url };
    const plain = await plainInserts(run.url, eventsFor('plain', settings.jobs), settings.concurrency);
    const unbatched = (concurrency: number) => ({ concurrency, batchMax: 1, poolSize: concurrency });
    const queued1 = await queuedRun(run, admin, 'worker, 1 tx per job', unbatched(1));
    const queuedN = await queuedRun(run, admin, 'worker, 1 tx per job', unbatched(settings.concurrency));
    const defaults = parseLedgerEnv({});
    const batched = await queuedRun(run, admin, 'worker, batched (defaults)', {
      concurrency: defaults.LEDGER_CONCURRENCY,
      batchMax: defaults.LEDGER_BATCH_MAX,
      poolSize: defaults.LEDGER_POOL_SIZE,
    });
    const toPlain = (r: LedgerRun) => Number((r.jobsPerS / plain.jobsPerS).toFixed(2));
    return { name: 'ledger', jobs: settings.jobs, plain, queued1, queuedN, batched, ratio: toPlain(queuedN), batchedRatio: toPlain(batched) };
  } finally {
    await admin.end();
    await schema.drop();
  }
}

export function printLedgerBench(result: LedgerBenchResult): void {
  const rows = [result.plain, result.queued1, result.queuedN, result.batched];
  console.log(`\nledger: ${result.jobs} new_payout_request jobs into PostgreSQL`);
  console.log('run                          | conc | batch | pool | jobs/s | seconds | worker CPU % | worker RSS MB (peak)');
  for (const r of rows) {
    const rss = r.rssMb === undefined ? '-' : `${r.rssMb} (${r.peakRssMb})`;
    const batch = String(r.batchMax ?? '-').padStart(5);
    const pool = String(r.poolSize ?? r.concurrency).padStart(4);
    console.log(`${r.label.padEnd(28)} | ${String(r.concurrency).padStart(4)} | ${batch} | ${pool} | ${String(r.jobsPerS).padStart(6)} | ${r.seconds.toFixed(1).padStart(7)} | ${String(r.cpuPercent ?? '-').padStart(12)} | ${rss}`);
  }
  console.log(`queued 1 tx per job (c=${result.queuedN.concurrency}) ÷ plain inserts = ${result.ratio} (target ≥ 0.5)`);
  console.log(`batched (c=${result.batched.concurrency}, batch ${result.batched.batchMax}) ÷ plain inserts = ${result.batchedRatio}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const jobs = process.argv[2] ? Number(process.argv[2]) : undefined;
  printLedgerBench(await benchLedger({ jobs }));
}
