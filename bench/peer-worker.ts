import { createServer, type Server } from 'node:http';
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

/**
 * The consuming side of the peer (`bench/express-bullmq.ts` receives): a BullMQ worker that writes each job into
 * PostgreSQL with one INSERT, the usual same-stack ingestion. No dedup, no validation, no fan-out, no batching.
 * It answers GET /healthz on `port` once the worker is ready, so the bench can start it like its servers.
 */
export async function startPeerWorker(redisUrl: string, prefix: string, databaseUrl: string, port = 0): Promise<Server> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: PEER_CONCURRENCY });
  const worker = new Worker(
    NAIVE_QUEUE,
    async (job) => {
      await pool.query('INSERT INTO peer_events (job_id, payload, received_at) VALUES ($1, $2, to_timestamp($3 / 1000.0))', [
        job.id,
        job.data,
        job.timestamp,
      ]);
    },
    {
      connection: new Redis(redisUrl, { maxRetriesPerRequest: null }),
      prefix,
      concurrency: PEER_CONCURRENCY,
    },
  );
  await worker.waitUntilReady();
  const server = createServer((_request, response) => void response.end('{"status":"ok"}')).listen(port, '127.0.0.1');
  await once(server, 'listening');
  server.on('close', () => void worker.close().then(() => pool.end()));
  return server;
}

// Run alone (the benchmark starts it as a child process).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const env = process.env;
  const server = await startPeerWorker(env.REDIS_URL!, env.QUEUE_PREFIX!, env.DATABASE_URL!, Number(env.PORT ?? 0));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void server.close());
}
