import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { startRedisServer } from '../e2e/harness/redis-server';
import { nodeOptionsEnv } from '../scripts/apps.mjs';
import { TICKS_PER_S, processTicks } from './cpu-meter';
import { SECRET, load, median, memoryMb, startChild, stopChild } from './servers';

/**
 * Variants of the built ingress (each its own env, e.g. other NODE_OPTIONS or ENQUEUE_LINGER_MS) on one private
 * redis-server, taking turns in short rounds under the same closed-loop load, so that a setting can be judged by
 * figures measured side by side: req/s, CPU per request of the ingress and of Redis, and peak RSS.
 *
 *   node --import tsx bench/ingress-variants.ts '{"shipped":{},"v8-defaults":{"NODE_OPTIONS":""}}' \
 *     [everysec|always] [rounds] [roundS] [connections]
 *
 * A variant's env is laid over the shipped one (scripts/apps.mjs), so `{}` is the ingress as it ships; the key
 * INGRESS_ENTRY runs another build instead (e.g. a copy of apps/ingress/dist from before a change). Each variant
 * also prints its garbage collections (count and main-thread seconds). Identical processes differ by ~10 % from round
 * to round here; give each setting two variants of its own to tell a setting from the noise.
 */
const [variantsJson = '{"shipped":{}}', mode = 'everysec', roundsArg = '8', roundSArg = '2', connectionsArg = '50'] =
  process.argv.slice(2);
if (mode !== 'everysec' && mode !== 'always') throw new Error('the AOF mode is everysec or always');
const variants = JSON.parse(variantsJson) as Record<string, Record<string, string>>;
const rounds = Number(roundsArg);
const roundS = Number(roundSArg);
const CONNECTIONS = Number(connectionsArg);

/**
 * The main thread's garbage collection over the variant's whole life, from its /metrics: a steadier figure than
 * CPU per request for judging heap settings, as it does not move with the machine's other load. prom-client records
 * the first entry of each batch of GC entries Node reports, so counts and seconds may read a little low. Also the
 * young generation's size at the end (a young generation that never grew collects far more often) and the mean size
 * of its inbox batches (deliveries per Redis transaction).
 */
async function lifeSummary(url: string): Promise<string> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  // A kind of collection that never ran has no line: 0.
  const value = (name: string, label: string) =>
    Number(new RegExp(`herohooks_ingress_nodejs_${name}\\{${label}\\} (\\S+)`).exec(metrics)?.[1] ?? 0);
  const gc = (kind: string) => {
    const [count, seconds] = ['count', 'sum'].map((field) => value(`gc_duration_seconds_${field}`, `kind="${kind}"`));
    return `${count} (${seconds!.toFixed(2)} s)`;
  };
  const oldMb = value('heap_space_size_used_bytes', 'space="old"') / 1e6;
  const newMb = value('heap_space_size_total_bytes', 'space="new"') / 1e6;
  const batches = (field: string) =>
    Number(new RegExp(`herohooks_ingress_batch_size_${field}\\{queue="inbox"\\} (\\S+)`).exec(metrics)?.[1] ?? 0);
  const meanBatch = batches('sum') / batches('count');
  return `collections: young ${gc('minor')}, full ${gc('major')}; old generation in use ${oldMb.toFixed(0)} MB, ` +
    `young ${newMb.toFixed(0)} MB; ` +
    `mean inbox batch ${meanBatch.toFixed(1)}`;
}

const redis = await startRedisServer(mode);
const admin = new Redis(redis.url);
const redisPid = Number(/process_id:(\d+)/.exec(await admin.info('server'))![1]);
const prefix = `hh-variants-${randomUUID().slice(0, 8)}`;
const runs: { name: string; url: string; pid: number; stop(): Promise<void>; rps: number[]; ingressUs: number[]; redisUs: number[] }[] = [];
try {
  for (const [name, env] of Object.entries(variants)) {
    const { INGRESS_ENTRY: entry = 'apps/ingress/dist/main.js', ...settings } = env;
    const { child, url } = await startChild(entry, {
      ...nodeOptionsEnv('ingress'),
      ...settings,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `${prefix}-${name}`,
      IH_WEBHOOK_SECRETS: SECRET,
      LOG_LEVEL: settings.LOG_LEVEL ?? 'info',
    });
    runs.push({ name, url, pid: child.pid!, stop: () => stopChild(child), rps: [], ingressUs: [], redisUs: [] });
  }
  for (const run of runs) await load(run.url, 2, CONNECTIONS);
  const usPerRequest = (ticks: number, requests: number) => Math.round(((ticks / TICKS_PER_S) * 1e6) / requests);
  for (let round = 0; round < rounds; round++) {
    for (const run of round % 2 ? [...runs].reverse() : runs) {
      const [ingressBefore, redisBefore] = [processTicks(run.pid), processTicks(redisPid)];
      const result = await load(run.url, roundS, CONNECTIONS);
      run.rps.push(Math.round(result.requests.average));
      run.ingressUs.push(usPerRequest(processTicks(run.pid) - ingressBefore, result.requests.total));
      run.redisUs.push(usPerRequest(processTicks(redisPid) - redisBefore, result.requests.total));
    }
  }
  console.log(`${rounds} rounds of ${roundS} s, ${CONNECTIONS} connections, AOF ${mode}; median [each round]`);
  for (const run of runs) {
    console.log(
      `${run.name}: req/s ${median(run.rps)} [${run.rps.join(', ')}]; ingress µs/request ${median(run.ingressUs)} ` +
        `[${run.ingressUs.join(', ')}]; Redis µs/request ${median(run.redisUs)} [${run.redisUs.join(', ')}]; ` +
        `peak RSS ${memoryMb(run.pid).peakRssMb} MB`,
    );
    console.log(`  ${await lifeSummary(run.url)}`);
  }
} finally {
  await Promise.all(runs.map((run) => run.stop()));
  admin.disconnect();
  await redis.stop();
}
