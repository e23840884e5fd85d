import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dropPrefix } from '@herohooks/testing/redis-keys';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
// bench/ is not a workspace package: the workspace packages are imported by path.
import { fixture } from '../packages/contracts/src/fixtures';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from '../packages/signing/src/index';
import { nodeOptionsEnv } from '../scripts/apps.mjs';

export interface IngressBenchOptions {
  durationS?: number;
  warmupS?: number;
  connections?: number;
  redisUrl?: string;
  /** The ingress' LOG_LEVEL: 'info' (default, one line per request, as in production) or e.g. 'warn'. */
  logLevel?: string;
}

export interface ServerFigures {
  rps: number;
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
  durationS: number;
  connections: number;
  bare: ServerFigures;
  /** The naive single-add server (bench/naive-bullmq.ts), same run: what one durable write per request costs here. */
  naive: ServerFigures;
  /** ingress req/s ÷ bare req/s, measured in the same run; the target is ≥ 0.40. */
  ratio: number;
  /** naive req/s ÷ bare req/s, same run. */
  naiveRatio: number;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'whsec_bench';
const TYPE = 'new_payout_request';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}

/**
 * Servers run as child processes: the load generator then does not share their event loop (which would cut both
 * figures and skew the ratio), and the RSS read from /proc is the server's alone.
 */
async function startChild(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  // Built apps (dist/*.js) run as they ship; the bench's own servers run from source.
  const args = script.endsWith('.js') ? [script] : ['--import', 'tsx', script];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, url };
    if (Date.now() > deadline) throw new Error(`${script} did not answer /healthz within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function memoryMb(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024) };
}

/**
 * Every request carries a distinct body (a fixture plus a sequence field) signed at send time, so the ingress
 * accepts each one (202) instead of short-circuiting on duplicates. The body is built by concatenation around
 * the sequence number so the load generator spends its time sending, not serialising.
 */
function signedRequests(): autocannon.Request[] {
  const [head, tail] = JSON.stringify({ ...fixture(TYPE), _herohooks_seq: '\u0000' }).split('\\u0000');
  const runId = randomUUID().slice(0, 8);
  let seq = 0;
  return [
    {
      method: 'POST',
      path: `/webhooks/influencer-hero/${TYPE}`,
      setupRequest: (request) => {
        const body = `${head}${runId}-${seq++}${tail}`;
        return {
          ...request,
          body,
          headers: {
            'content-type': 'application/json',
            [SIGNATURE_HEADER]: sign(body, SECRET),
            [TIMESTAMP_HEADER]: String(Math.floor(Date.now() / 1000)),
          },
        };
      },
    },
  ];
}

async function load(url: string, durationS: number, connections: number): Promise<autocannon.Result> {
  return autocannon({ url, connections, duration: durationS, requests: signedRequests() });
}

async function measure(url: string, pid: number, options: Required<IngressBenchOptions>): Promise<ServerFigures> {
  if (options.warmupS > 0) await load(url, options.warmupS, options.connections);
  const result = await load(url, options.durationS, options.connections);
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats.count ?? 0]),
  );
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    ...memoryMb(pid),
    statuses,
    errors: result.errors + result.timeouts,
  };
}

export async function benchIngress(options: IngressBenchOptions = {}): Promise<IngressBenchResult> {
  const settings: Required<IngressBenchOptions> = {
    durationS: options.durationS ?? 10,
    warmupS: options.warmupS ?? 2,
    connections: options.connections ?? 50,
    redisUrl: options.redisUrl ?? 'redis://127.0.0.1:6379',
    logLevel: options.logLevel ?? 'info',
  };

  const bareServer = await startChild('bench/bare-fastify.ts', {});
  let bare: ServerFigures;
  try {
    bare = await measure(bareServer.url, bareServer.child.pid!, settings);
  } finally {
    await stopChild(bareServer.child);
  }

  const prefix = `hh-bench-${randomUUID().slice(0, 8)}`;
  try {
    const naiveServer = await startChild('bench/naive-bullmq.ts', {
      REDIS_URL: settings.redisUrl,
      QUEUE_PREFIX: `${prefix}-naive`,
      IH_WEBHOOK_SECRETS: SECRET,
    });
    let naive: ServerFigures;
    try {
      naive = await measure(naiveServer.url, naiveServer.child.pid!, settings);
    } finally {
      await stopChild(naiveServer.child);
    }
    const ingressServer = await startChild('apps/ingress/dist/main.js', {
      ...nodeOptionsEnv('ingress'),
      REDIS_URL: settings.redisUrl,
      QUEUE_PREFIX: prefix,
      IH_WEBHOOK_SECRETS: SECRET,
      LOG_LEVEL: settings.logLevel,
    });
    try {
      const ingress = await measure(ingressServer.url, ingressServer.child.pid!, settings);
      return {
        name: 'ingress',
        ...ingress,
        durationS: settings.durationS,
        connections: settings.connections,
        bare,
        naive,
        ratio: Math.round((ingress.rps / bare.rps) * 100) / 100,
        naiveRatio: Math.round((naive.rps / bare.rps) * 100) / 100,
      };
    } finally {
      await stopChild(ingressServer.child);
    }
  } finally {
    await dropPrefix(prefix, settings.redisUrl);
    await dropPrefix(`${prefix}-naive`, settings.redisUrl);
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
  console.log(`ingress benchmark: ${result.connections} connections, ${result.durationS} s per server`);
  console.table([row('bare fastify', result.bare), row('naive: HMAC + one add', result.naive), row('ingress', result)]);
  console.log(`ratio ingress/bare: ${result.ratio} (target ≥ 0.40); naive/bare: ${result.naiveRatio}`);
}

// Alone: node --import tsx bench/ingress.ts [durationS] [logLevel]
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const durationS = process.argv[2] ? Number(process.argv[2]) : undefined;
  printIngressBench(await benchIngress({ durationS, logLevel: process.argv[3] }));
}
