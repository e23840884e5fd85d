import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { createSchema, type Schema } from '@herohooks/testing/schemas';
import { startRedisServer, type RedisServer } from '../e2e/harness/redis-server';
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
  /** Whether the warm-up's rows were all in before the measured run started. */
  warmUpDrained: boolean;
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

interface PeerRow {
  job_id: string;
  received: number;
  booked: number;
}

/** Rows of the given jobs: count, or their accept and booking times. */
function peerRows(db: pg.Pool) {
  return {
    count: async (ids: string[]) =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM peer_events WHERE job_id = ANY($1)', [ids]))
        .rows[0]!.n,
    times: async (ids: string[]) =>
      (
        await db.query<PeerRow>(
          `SELECT job_id, extract(epoch FROM received_at)::float8 * 1000 AS received,
                  extract(epoch FROM booked_at)::float8 * 1000 AS booked
           FROM peer_events WHERE job_id = ANY($1)`,
          [ids],
        )
      ).rows,
  };
}

/**
 * The peer end to end: `bench/express-bullmq.ts` receiving (HMAC, parse, one BullMQ add per request) and
 * `bench/peer-worker.ts` ingesting (one INSERT per job into PostgreSQL), on a private redis-server with AOF
 * `always` like the pipeline's, under the same open-loop sender, after a short warm-up. It runs alone: the
 * pipeline is not up while it does.
 */
export async function benchPeerE2e(
  baseDatabaseUrl: string,
  ratePerSecond: number,
  durationS: number,
): Promise<PeerE2eResult> {
  let redis: RedisServer | undefined;
  let schema: Schema | undefined;
  let db: pg.Pool | undefined;
  const children: ChildProcess[] = [];
  try {
    redis = await startRedisServer('always');
    schema = await createSchema(baseDatabaseUrl, 'bench_peer');
    db = new pg.Pool({ connectionString: schema.url, max: 2 });
    await db.query(PEER_TABLE_SQL);
    const rows = peerRows(db);
    const prefix = `hh-peer-${randomUUID().slice(0, 8)}`;
    const env = { REDIS_URL: redis.url, QUEUE_PREFIX: prefix, IH_WEBHOOK_SECRETS: SECRET };
    const receiver = await startChild('bench/express-bullmq.ts', env);
    children.push(receiver.child);
    children.push((await startChild('bench/peer-worker.ts', { ...env, DATABASE_URL: schema.url })).child);
    const send = (seconds: number, label: string) =>
      sendOpenLoop({ url: receiver.url, secret: SECRET, ratePerSecond, durationS: seconds, label });

    const warmUpIds = (await send(WARMUP_S, 'peer-warm-up')).accepted.map((a) => a.id);
    const allIn = (ids: string[]) => async () => (await rows.count(ids)) >= ids.length;
    const warmUpDrained = await pollUntil(allIn(warmUpIds), DRAIN_LIMIT_MS);

    const meter = startCpuMeter({
      receiver: 'bench/express-bullmq.ts',
      worker: 'bench/peer-worker.ts',
      'redis-server': 'redis-server',
    });
    const { accepted, ...sent } = await send(durationS, 'peer');
    const cpu = meter.stop();
    const sendingEnded = performance.now();
    const ids = accepted.map((a) => a.id);
    const drained = await pollUntil(allIn(ids), DRAIN_LIMIT_MS);
    const drainS = drained ? round((performance.now() - sendingEnded) / 1000, 1) : null;

    const times = await rows.times(ids);
    const byId = new Map(times.map((row) => [row.job_id, row]));
    const backlog = deliveryBacklog([
      {
        name: 'postgres',
        accepted: accepted.map((a) => byId.get(a.id)?.received ?? a.answeredAt),
        received: times.map((row) => row.booked),
      },
    ]);
    return {
      name: 'peer-e2e',
      ratePerSecond,
      durationS,
      concurrency: PEER_CONCURRENCY,
      warmUpDrained,
      send: sent,
      accepted: accepted.length,
      rows: times.length,
      drainS,
      booked: spread(times.map((row) => row.booked - row.received)),
      backlog,
      keptUp: drainS !== null && backlogFlat(backlog),
      cpu,
    };
  } finally {
    await Promise.allSettled(children.map(stopChild));
    await Promise.allSettled([db?.end(), schema?.drop(), redis?.stop()]);
  }
}
