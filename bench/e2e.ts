import { catalog } from '../packages/contracts/src/index';
import { sendOpenLoop, type OpenLoopResult } from './open-loop';
import { startCpuMeter, type CpuUse } from './cpu-meter';
import { backlogFlat, deliveryBacklog, type DeliveryBacklog } from './delivery-backlog';
import { ledgerHops, type LedgerHops } from './hops';
import { BENCH_SECRET, type Pipeline } from './pipeline';
import { childPid, processMemoryMb } from './proc';
import { bytesPerExpiringKey, sampleOnce, startSampler, type Sample } from './sampler';
import { round, slope, spread, type Spread } from './stats';
import type { Receipt } from './sinks';
import { pollUntil } from './timing';

export interface E2ePhase {
  ratePerSecond: number;
  durationS: number;
  send: Omit<OpenLoopResult, 'accepted'>;
  accepted: number;
  /** Counted after the drain: every accepted delivery should be in each. */
  ledgerRows: number;
  /** Deliveries that reached Slack, and the messages that carried them. */
  slackDeliveries: number | null;
  slackPosts: number | null;
  /** Deliveries that reached the SMTP sink, and the emails that carried them. */
  emails: number;
  emailPosts: number;
  expectedEmails: number;
  /** Seconds from the last send until every sink had everything (null: not within the drain limit). */
  drainS: number | null;
  /** receivedAt (accept) → ledger booked_at, → Slack stub receipt, → SMTP sink receipt; milliseconds. */
  ledger: Spread;
  /** The ledger path hop by hop, for the phase's last (up to) 1,000 deliveries. */
  ledgerHops: LedgerHops;
  slack: Spread | null;
  email: Spread;
  /** Unfinished jobs over inbox + consumers during sending (Redis, once a second): first, last, max, slope in jobs/s. */
  backlog: { first: number; last: number; max: number; slopePerS: number };
  /** Deliveries accepted and not yet at their sinks (ledger, Slack, email), over the sending window. */
  deliveryBacklog: DeliveryBacklog;
  /**
   * Redis used_memory during sending, MB, and its slope in KB/s (also over the second half of the run); and the
   * same second-half slope without the keys that have a TTL (estimated: their count × their mean size), which is
   * what retention has to keep flat.
   */
  redisMemory: {
    firstMb: number;
    lastMb: number;
    maxMb: number;
    slopeKbPerS: number;
    secondHalfSlopeKbPerS: number;
    expiringKeysPerS: number;
    bytesPerExpiringKey: number;
    secondHalfSlopeWithoutExpiringKbPerS: number;
    /**
     * Second-half slope of the keys without a TTL (job hashes and queue structures) less the unfinished jobs (the
     * backlog, one hash each): the finished jobs kept, which is what retention has to hold flat.
     */
    persistentKeysPerS: number;
  };
  keysSlopePerS: number;
  ingressRss: { rssMb: number; peakRssMb: number };
  /** CPU while sending: per process, ours in all, and the whole (shared) machine. */
  cpu: CpuUse;
}

/** Our processes by a piece of their command line. */
const processes = {
  ingress: 'apps/ingress/dist/main.js',
  router: 'apps/router/dist/main.js',
  'worker-ledger': 'apps/worker-ledger/dist/main.js',
  'worker-slack': 'apps/worker-slack/dist/main.js',
  'worker-email': 'apps/worker-email/dist/main.js',
  'redis-server': 'redis-server',
  stubs: 'bench/sinks.ts',
};

export const DRAIN_LIMIT_MS = 20_000;

/** The pipeline kept up: no sink's backlog of deliveries grew by 2 % of its rate or more, and it drained. */
export const keptUp = (phase: E2ePhase): boolean => backlogFlat(phase.deliveryBacklog) && phase.drainS !== null;

const emailTypes = new Set<string>(catalog.email.defaultTypes);
const mb = (bytes: number) => round(bytes / 1_048_576, 1);

function memoryFigures(samples: Sample[], bytesPerExpiring: number) {
  const secondHalf = <T extends { x: number }>(points: T[]) => points.filter((p) => p.x >= (points.at(-1)?.x ?? 0) / 2);
  const points = samples.map((s) => ({ x: s.t, y: s.usedMemory }));
  const withoutExpiring = samples.map((s) => ({ x: s.t, y: s.usedMemory - s.expiring * bytesPerExpiring }));
  return {
    firstMb: mb(samples[0]?.usedMemory ?? 0),
    lastMb: mb(samples.at(-1)?.usedMemory ?? 0),
    maxMb: mb(Math.max(...samples.map((s) => s.usedMemory))),
    slopeKbPerS: round(slope(points) / 1024, 1),
    secondHalfSlopeKbPerS: round(slope(secondHalf(points)) / 1024, 1),
    expiringKeysPerS: round(slope(samples.map((s) => ({ x: s.t, y: s.expiring }))), 1),
    bytesPerExpiringKey: Math.round(bytesPerExpiring),
    secondHalfSlopeWithoutExpiringKbPerS: round(slope(secondHalf(withoutExpiring)) / 1024, 1),
    persistentKeysPerS: round(slope(secondHalf(samples.map((s) => ({ x: s.t, y: s.keys - s.expiring - s.backlog })))), 1),
  };
}

async function ledgerTimes(pipeline: Pipeline, ids: string[]): Promise<Map<string, { received: number; booked: number }>> {
  const { rows } = await pipeline.db.query<{ delivery_id: string; received: number; booked: number }>(
    `SELECT delivery_id, extract(epoch FROM received_at)::float8 * 1000 AS received,
            extract(epoch FROM booked_at)::float8 * 1000 AS booked
     FROM events WHERE delivery_id = ANY($1)`,
    [ids],
  );
  return new Map(rows.map((r) => [r.delivery_id, { received: r.received, booked: r.booked }]));
}

async function ledgerCount(pipeline: Pipeline): Promise<number> {
  const { rows } = await pipeline.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
  return rows[0]!.n;
}

/**
 * One arrival rate through the running pipeline: open-loop sending for `durationS`, sampling Redis each second,
 * then a bounded drain, then counts and latencies per sink. Phases run one after another on one pipeline; each
 * counts only its own deliveries (the sinks' receipts are taken per phase, the ledger is read by delivery id).
 */
export async function runPhase(
  pipeline: Pipeline,
  ratePerSecond: number,
  durationS: number,
  label = `r${ratePerSecond}`,
): Promise<E2ePhase> {
  const ledgerBefore = await ledgerCount(pipeline);
  await pipeline.sinks.take();
  const ingressPid = childPid('apps/ingress/dist/main.js');
  const sampler = startSampler(pipeline.redis.url, pipeline.prefix);
  const meter = startCpuMeter(processes);
  const { accepted, ...send } = await sendOpenLoop({
    url: pipeline.ingressUrl,
    secret: BENCH_SECRET,
    ratePerSecond,
    durationS,
    label,
  });
  const cpu = meter.stop();
  const samples = await sampler.stop();
  const sendingEnded = performance.now();
  const ingressRss = processMemoryMb(ingressPid);
  const bytesPerExpiring = await bytesPerExpiringKey(pipeline.redis.url);

  const expectedEmails = accepted.filter((a) => emailTypes.has(a.type)).length;
  const slackExpected = pipeline.slackMeasured ? accepted.length : 0;
  const drained = await pollUntil(
    async () => {
      const [rows, counts, redis] = await Promise.all([
        ledgerCount(pipeline),
        pipeline.sinks.count(),
        sampleOnce(pipeline.redis.url, pipeline.prefix),
      ]);
      const sinksHaveAll = counts.slackCount >= slackExpected && counts.emailCount >= expectedEmails;
      return rows - ledgerBefore >= accepted.length && sinksHaveAll && redis.backlog === 0;
    },
    DRAIN_LIMIT_MS,
    500,
  );
  const drainS = drained ? round((performance.now() - sendingEnded) / 1000, 1) : null;

  const ids = accepted.map((a) => a.id);
  const times = await ledgerTimes(pipeline, ids);
  // A receipt of an earlier phase that had not drained is not this phase's: only its own delivery ids count.
  const receipts = await pipeline.sinks.take();
  const acceptedIds = new Set(ids);
  const own = (list: Receipt[]) => list.filter(([id]) => acceptedIds.has(id));
  const sinceAccept = (list: Receipt[]) =>
    own(list).flatMap(([id, at]) => {
      const t = times.get(id);
      return t ? [at - t.received] : [];
    });
  const hops = await ledgerHops(pipeline, acceptedIds);
  // The ingress' receivedAt, or for a delivery never booked the time the sender got its 202.
  const acceptTimes = (pick: (a: (typeof accepted)[number]) => boolean) =>
    accepted.filter(pick).map((a) => times.get(a.id)?.received ?? a.answeredAt);
  const firstReceipts = (list: Receipt[]) => [...new Map(own(list).reverse()).values()];
  const everyAccept = acceptTimes(() => true);
  const sinkTimes = [
    { name: 'ledger', accepted: everyAccept, received: [...times.values()].map((t) => t.booked) },
    { name: 'email', accepted: acceptTimes((a) => emailTypes.has(a.type)), received: firstReceipts(receipts.email) },
    ...(pipeline.slackMeasured ? [{ name: 'slack', accepted: everyAccept, received: firstReceipts(receipts.slack) }] : []),
  ];
  const distinct = (list: Receipt[]) => new Set(own(list).map(([id]) => id)).size;
  const backlogPoints = samples.map((s) => ({ x: s.t, y: s.backlog }));
  return {
    ratePerSecond,
    durationS,
    send,
    accepted: accepted.length,
    ledgerRows: times.size,
    slackDeliveries: pipeline.slackMeasured ? distinct(receipts.slack) : null,
    slackPosts: pipeline.slackMeasured ? receipts.slackPosts : null,
    emails: distinct(receipts.email),
    emailPosts: receipts.emailPosts,
    expectedEmails,
    drainS,
    ledger: spread([...times.values()].map((t) => t.booked - t.received)),
    ledgerHops: hops,
    slack: pipeline.slackMeasured ? spread(sinceAccept(receipts.slack)) : null,
    email: spread(sinceAccept(receipts.email)),
    backlog: {
      first: samples[0]?.backlog ?? 0,
      last: samples.at(-1)?.backlog ?? 0,
      max: Math.max(...samples.map((s) => s.backlog)),
      slopePerS: round(slope(backlogPoints), 1),
    },
    deliveryBacklog: deliveryBacklog(sinkTimes),
    redisMemory: memoryFigures(samples, bytesPerExpiring),
    keysSlopePerS: round(slope(samples.map((s) => ({ x: s.t, y: s.keys }))), 1),
    ingressRss,
    cpu,
  };
}

export interface E2eResult {
  name: 'e2e';
  slackMeasured: boolean;
  phases: E2ePhase[];
}

/**
 * A few seconds at the first rate, not reported, before the measured phases: a freshly started pipeline runs its
 * hot paths in V8's interpreter and pays one-time costs (connections, script loads), which is not what a pipeline
 * that has been up for a while does.
 */
export const WARMUP_S = 5;

export async function benchE2e(pipeline: Pipeline, rates: readonly number[], durationS: number): Promise<E2eResult> {
  if (rates[0] !== undefined) await runPhase(pipeline, rates[0], WARMUP_S, 'warm-up');
  const phases: E2ePhase[] = [];
  for (const rate of rates) phases.push(await runPhase(pipeline, rate, durationS));
  return { name: 'e2e', slackMeasured: pipeline.slackMeasured, phases };
}
