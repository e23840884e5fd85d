import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { dropPrefix } from '@herohooks/testing/redis-keys';
import type autocannon from 'autocannon';
import { nodeOptionsEnv } from '../scripts/apps.mjs';
import { SECRET, load, median, memoryMb, startChild, stopChild } from './servers';

export interface IngressBenchOptions {
  /** Seconds of load per server in each round. */
  roundS?: number;
  rounds?: number;
  warmupS?: number;
  connections?: number;
  redisUrl?: string;
  /** The ingress' LOG_LEVEL: 'info' (default, one line per request, as in production) or e.g. 'warn'. */
  logLevel?: string;
}

export interface ServerFigures {
  /** Mean over the rounds. */
  rps: number;
  /** req/s in each round. */
  roundRps: number[];
  /** Median over the rounds of each round's p50; the highest round p99. */
  p50: number;
  p99: number;
  /** Resident memory of the server process after the load, and its peak. */
  rssMb: number;
  peakRssMb: number;
  /** Answers by status, e.g. {"202": 190000}. */
  statuses: Record<string, number>;
  errors: number;
}

export interface IngressBenchResult extends ServerFigures {
  name: 'ingress';
  roundS: number;
  rounds: number;
  connections: number;
  bare: ServerFigures;
  /** The naive single-add server (bench/naive-bullmq.ts), same run: what one durable write per request costs here. */
  naive: ServerFigures;
  /** The same naive design on Express 5 (bench/express-bullmq.ts): the same-stack peer. */
  express: ServerFigures;
  /** Median over the rounds of ingress req/s ÷ bare req/s in the same round; the target is ≥ 0.40. */
  ratio: number;
  roundRatios: number[];
  /** The same for the naive server, and for the Express peer. */
  naiveRatio: number;
  expressRatio: number;
}

interface Server {
  child: ChildProcess;
  url: string;
  results: autocannon.Result[];
  /** The queue prefix of a server that writes to Redis. */
  queuePrefix?: string;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

function figures(server: Server): ServerFigures {
  const statuses: Record<string, number> = {};
  for (const result of server.results) {
    for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) {
      statuses[status] = (statuses[status] ?? 0) + (stats.count ?? 0);
    }
  }
  const roundRps = server.results.map((r) => Math.round(r.requests.average));
  return {
    rps: Math.round(roundRps.reduce((sum, rps) => sum + rps, 0) / roundRps.length),
    roundRps,
    p50: median(server.results.map((r) => r.latency.p50)),
    p99: Math.max(...server.results.map((r) => r.latency.p99)),
    ...memoryMb(server.child.pid!),
    statuses,
    errors: server.results.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
  };
}

const ratios = (server: Server, bare: Server) =>
  server.results.map((result, i) => round2(result.requests.average / bare.results[i]!.requests.average));

/**
 * The four servers are started once and take turns in rounds (bare, naive, Express, ingress, then the reverse order), each
 * round a few seconds per server, and the ratio is the median of the per-round ratios: on a shared machine a
 * burst of someone else's load then lands in one round instead of in one server's whole measurement.
 */
export async function benchIngress(options: IngressBenchOptions = {}): Promise<IngressBenchResult> {
  const settings: Required<IngressBenchOptions> = {
    roundS: options.roundS ?? 3,
    rounds: options.rounds ?? 4,
    warmupS: options.warmupS ?? 2,
    connections: options.connections ?? 50,
    redisUrl: options.redisUrl ?? 'redis://127.0.0.1:6379',
    logLevel: options.logLevel ?? 'info',
  };
  const prefix = `hh-bench-${randomUUID().slice(0, 8)}`;
  const children: ChildProcess[] = [];
  const start = async (script: string, env: Record<string, string>): Promise<Server> => {
    const started = await startChild(script, env);
    children.push(started.child);
    return { ...started, results: [], queuePrefix: env.QUEUE_PREFIX };
  };
  /**
   * One turn of load, after which the server's keys are deleted, so that every turn starts on an empty Redis. Left
   * in, the rounds piled up ~300 MB per AOF mode (nothing consumes these queues), and the four AOF rewrites of that
   * growing data set (fork, then writing it all out, on the same two cores and disk) fell into whichever turn was
   * running; bare Fastify, which writes nothing, was never hit. In production the workers take the jobs, but the
   * ingress' dedup claims stay for the dedup window (docs/operations.md sizes them).
   */
  const turn = async (server: Server, seconds: number) => {
    const result = await load(server.url, seconds, settings.connections);
    if (server.queuePrefix) await dropPrefix(server.queuePrefix, settings.redisUrl);
    return result;
  };
  try {
    const bare = await start('bench/bare-fastify.ts', {});
    const naive = await start('bench/naive-bullmq.ts', {
      REDIS_URL: settings.redisUrl,
      QUEUE_PREFIX: `${prefix}-naive`,
      IH_WEBHOOK_SECRETS: SECRET,
    });
    const expressPeer = await start('bench/express-bullmq.ts', {
      REDIS_URL: settings.redisUrl,
      QUEUE_PREFIX: `${prefix}-express`,
      IH_WEBHOOK_SECRETS: SECRET,
    });
    const ingress = await start('apps/ingress/dist/main.js', {
      ...nodeOptionsEnv('ingress'),
      REDIS_URL: settings.redisUrl,
      QUEUE_PREFIX: prefix,
      IH_WEBHOOK_SECRETS: SECRET,
      LOG_LEVEL: settings.logLevel,
    });
    const servers = [bare, naive, expressPeer, ingress];
    if (settings.warmupS > 0) for (const server of servers) await turn(server, settings.warmupS);
    for (let round = 0; round < settings.rounds; round++) {
      for (const server of round % 2 ? [...servers].reverse() : servers) {
        server.results.push(await turn(server, settings.roundS));
      }
    }
    const roundRatios = ratios(ingress, bare);
    return {
      name: 'ingress',
      ...figures(ingress),
      roundS: settings.roundS,
      rounds: settings.rounds,
      connections: settings.connections,
      bare: figures(bare),
      naive: figures(naive),
      express: figures(expressPeer),
      ratio: round2(median(roundRatios)),
      roundRatios,
      naiveRatio: round2(median(ratios(naive, bare))),
      expressRatio: round2(median(ratios(expressPeer, bare))),
    };
  } finally {
    await Promise.all(children.map(stopChild));
    await dropPrefix(prefix, settings.redisUrl);
    await dropPrefix(`${prefix}-naive`, settings.redisUrl);
    await dropPrefix(`${prefix}-express`, settings.redisUrl);
  }
}

export function printIngressBench(result: IngressBenchResult): void {
  const row = (name: string, f: ServerFigures) => ({
    server: name,
    'req/s': f.rps,
    'p50 ms': f.p50,
    'p99 ms': f.p99,
    'RSS MB': f.rssMb,
    'peak RSS MB': f.peakRssMb,
    statuses: Object.entries(f.statuses)
      .map(([s, n]) => `${s}×${n}`)
      .join(' '),
    errors: f.errors,
  });
  console.log(
    `ingress benchmark: ${result.connections} connections, ${result.rounds} rounds of ${result.roundS} s per server`,
  );
  console.table([
    row('bare fastify', result.bare),
    row('naive: HMAC + one add', result.naive),
    row('Express + BullMQ peer', result.express),
    row('ingress', result),
  ]);
  console.log(
    `ratio ingress/bare (median of rounds ${result.roundRatios.join(', ')}): ${result.ratio} (target ≥ 0.40); ` +
      `naive/bare: ${result.naiveRatio}; Express peer/bare: ${result.expressRatio}`,
  );
}

// Alone: node --import tsx bench/ingress.ts [rounds] [logLevel]
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rounds = process.argv[2] ? Number(process.argv[2]) : undefined;
  printIngressBench(await benchIngress({ rounds, logLevel: process.argv[3] }));
}
