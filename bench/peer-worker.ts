import { createServer } from 'node:http';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { NAIVE_QUEUE } from './naive-bullmq';

/** What a hand-rolled consumer would set: BullMQ's default of 1 could not keep up with any rate here. */
export const PEER_CONCURRENCY = 16;

/** The peer's table: one row per job, stamped with the job's add time (accept) and the insert's time (booked). */
export const PEER_TABLE_SQL = `CREATE TABLE peer_events (
  job_id text PRIMARY KEY,
  payload jsonb NOT NULL,
  received_at timestamptz NOT NULL,
  booked_at timestamptz NOT NULL DEFAULT now()
)`;

const INSERT_SQL =
  'INSERT INTO peer_events (job_id, payload, received_at) VALUES ($1, $2, to_timestamp($3 / 1000.0))';

/**
 * The consuming side of the peer (`bench/express-bullmq.ts` receives): a BullMQ worker that writes each job into
 * PostgreSQL with one INSERT, the usual same-stack ingestion. No dedup, no validation, no fan-out, no batching.
 * It answers GET /healthz on `port` once the worker is ready, so the bench can start it like its servers.
 */
export async function startPeerWorker(redisUrl: string, prefix: string, databaseUrl: string, port = 0) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: PEER_CONCURRENCY });
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const insert = async (job: { id?: string; data: unknown; timestamp: number }) => {
    await pool.query(INSERT_SQL, [job.id, job.data, job.timestamp]);
  };
  const worker = new Worker(NAIVE_QUEUE, insert, { connection, prefix, concurrency: PEER_CONCURRENCY });
  await worker.waitUntilReady();
  const server = createServer((_request, response) => void response.end('{"status":"ok"}')).listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    server,
    /** BullMQ leaves a connection it was given open: closed here, so the process can exit. */
    async stop() {
      server.close();
      await worker.close();
      await Promise.all([pool.end(), connection.quit()]);
    },
  };
}

// Run alone (the benchmark starts it as a child process).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const env = process.env;
  const peer = await startPeerWorker(env.REDIS_URL!, env.QUEUE_PREFIX!, env.DATABASE_URL!, Number(env.PORT ?? 0));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void peer.stop());
}
