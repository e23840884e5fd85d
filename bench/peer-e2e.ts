import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createSchema } from '@herohooks/testing/schemas';
import { startRedisServer } from '../e2e/harness/redis-server';
import { startCpuMeter, type CpuUse } from './cpu-meter';
import { backlogFlat, deliveryBacklog, type DeliveryBacklog } from './delivery-backlog';
import { DRAIN_LIMIT_MS } from './e2e';
import { sendOpenLoop, type OpenLoopResult } from './open-loop';
import { PEER_CONCURRENCY, PEER_TABLE_SQL } from './peer-worker';
import { startChild, stopChild } from './servers';
import { round, spread, type Spread } from './stats';
import { pollUntil } from './timing';

const SECRET = 'whsec_bench_peer';
const WARMUP_S = 3;

export interface PeerE2eResult {
  name: 'peer-e2e';
  ratePerSecond: number;
  durationS: number;
  concurrency: number;
  send: Omit<OpenLoopResult, 'accepted'>;
  accepted: number;
  rows: number;
  /** Seconds from the last send until every accepted job had its row (null: not within the drain limit). */
  drainS: number | null;
  /** The job's add (accept) → its row's booked_at, milliseconds. */
  booked: Spread;
  backlog: DeliveryBacklog;
  keptUp: boolean;
  cpu: CpuUse;
}

interface Row {
  job_id: string;
  received: number;
  booked: number;
}

/**
 * The peer end to end: `bench/express-bullmq.ts` receiving (HMAC, parse, one BullMQ add per request) and
 * `bench/peer-worker.ts` ingesting (one INSERT per job into PostgreSQL), on a private redis-server with AOF
 * `always` like the pipeline's, under the same open-loop sender, after a short warm-up. It runs alone: the
 * pipeline is not up while it does.
 */
export async function benchPeerE2e(baseDatabaseUrl: string, ratePerSecond: number, durationS: number): Promise<PeerE2eResult> {
  const redis = await startRedisServer('always');
  const schema = await createSchema(baseDatabaseUrl, 'bench_peer');
  const db = new pg.Pool({ connectionString: schema.url, max: 2 });
  const children: Awaited<ReturnType<typeof startChild>>['child'][] = [];
  try {
    await db.query(PEER_TABLE_SQL);
    const env = { REDIS_URL: redis.url, QUEUE_PREFIX: `hh-peer-${randomUUID().slice(0, 8)}`, IH_WEBHOOK_SECRETS: SECRET };
    const receiver = await startChild('bench/express-bullmq.ts', env);
    children.push(receiver.child);
    children.push((await startChild('bench/peer-worker.ts', { ...env, DATABASE_URL: schema.url })).child);
    const rowCount = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM peer_events')).rows[0]!.n;

    const warmUp = await sendOpenLoop({ url: receiver.url, secret: SECRET, ratePerSecond, durationS: WARMUP_S, label: 'peer-warm-up' });
    await pollUntil(async () => (await rowCount()) >= warmUp.accepted.length, DRAIN_LIMIT_MS, 250);
    const before = await rowCount();

    const meter = startCpuMeter({ receiver: 'bench/express-bullmq.ts', worker: 'bench/peer-worker.ts', 'redis-server': 'redis-server' });
    const { accepted, ...send } = await sendOpenLoop({ url: receiver.url, secret: SECRET, ratePerSecond, durationS, label: 'peer' });
    const cpu = meter.stop();
    const sendingEnded = performance.now();
    const drained = await pollUntil(async () => (await rowCount()) - before >= accepted.length, DRAIN_LIMIT_MS, 250);
    const drainS = drained ? round((performance.now() - sendingEnded) / 1000, 1) : null;

    const { rows } = await db.query<Row>(
      `SELECT job_id, extract(epoch FROM received_at)::float8 * 1000 AS received,
              extract(epoch FROM booked_at)::float8 * 1000 AS booked
       FROM peer_events WHERE job_id = ANY($1)`,
      [accepted.map((a) => a.id)],
    );
    const byId = new Map(rows.map((row) => [row.job_id, row]));
    const backlog = deliveryBacklog([
      {
        name: 'postgres',
        accepted: accepted.map((a) => byId.get(a.id)?.received ?? a.answeredAt),
        received: rows.map((row) => row.booked),
      },
    ]);
    return {
      name: 'peer-e2e',
      ratePerSecond,
      durationS,
      concurrency: PEER_CONCURRENCY,
      send,
      accepted: accepted.length,
      rows: rows.length,
      drainS,
      booked: spread(rows.map((row) => row.booked - row.received)),
      backlog,
      keptUp: drainS !== null && backlogFlat(backlog),
      cpu,
    };
  } finally {
    await Promise.all(children.map(stopChild));
    await db.end();
    await Promise.all([schema.drop(), redis.stop()]);
  }
}
