import { Redis } from 'ioredis';
import { perSink } from './delivery-backlog';
import { runPhase, WARMUP_S, type E2ePhase } from './e2e';
import { startPipeline } from './pipeline';
import { pipelineCpuMsPerDelivery } from './cpu-per-delivery';
import { median } from './servers';

/**
 * Variants of the whole pipeline (each an env laid over chosen apps' own, e.g. another ENQUEUE_LINGER_MS), run one
 * after another at one fixed arrival rate, in alternating rounds, so that a setting can be judged by end-to-end
 * figures measured close together: latency to the ledger, Slack and SMTP, CPU per delivery, and the BullMQ Lua
 * calls Redis ran per delivery. Each variant gets a fresh pipeline (private Redis, fresh schema) and a warm-up.
 *
 *   node --import tsx bench/e2e-variants.ts '{"shipped":{},"linger0":{"ingress":{"ENQUEUE_LINGER_MS":"0"}}}' [rate] [seconds] [rounds] [always|everysec]
 */
const [variantsJson = '{"shipped":{}}', rateArg = '500', secondsArg = '10', roundsArg = '2', mode = 'always'] =
  process.argv.slice(2);
if (mode !== 'everysec' && mode !== 'always') throw new Error('the AOF mode is everysec or always');
const variants = JSON.parse(variantsJson) as Record<string, Record<string, Record<string, string>>>;
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const rounds = Number(roundsArg);
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Lua calls (EVALSHA and EVAL, BullMQ's scripts and ours) since the last reset, and the µs Redis spent in them. */
async function luaStats(redis: Redis): Promise<{ calls: number; usec: number }> {
  const stats = await redis.info('commandstats');
  let calls = 0;
  let usec = 0;
  for (const match of stats.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+),usec=(\d+)/g)) {
    calls += Number(match[1]);
    usec += Number(match[2]);
  }
  return { calls, usec };
}

async function runVariant(appEnv: Record<string, Record<string, string>>) {
  const pipeline = await startPipeline(databaseUrl, { appEnv, appendfsync: mode as 'always' | 'everysec' });
  const admin = new Redis(pipeline.redis.url);
  try {
    await runPhase(pipeline, rate, WARMUP_S, 'warm-up');
    await admin.config('RESETSTAT');
    const phase: E2ePhase = await runPhase(pipeline, rate, seconds);
    const lua = await luaStats(admin);
    return { phase, luaPerDelivery: lua.calls / phase.accepted, luaUsPerDelivery: lua.usec / phase.accepted };
  } finally {
    admin.disconnect();
    await pipeline.stop();
  }
}

const p = (s: { p50: number; p99: number } | null) => (s ? `${Math.round(s.p50)}/${Math.round(s.p99)}` : '–');
const results = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? Object.keys(variants) : Object.keys(variants).reverse();
  for (const name of order) {
    const { phase, luaPerDelivery, luaUsPerDelivery } = await runVariant(variants[name]!);
    results.get(name)!.push(phase.ledger.p99);
    const cpu = pipelineCpuMsPerDelivery(phase);
    const perProcess = Object.entries(cpu.processes).map(([process, ms]) => `${process} ${ms}`).join(', ');
    process.stdout.write(
      `round ${round + 1} ${name}: ledger p50/p99 ${p(phase.ledger)} ms, slack ${p(phase.slack)}, email ${p(phase.email)}; ` +
        `backlog ${phase.deliveryBacklog.slopePerS} deliveries/s (${perSink(phase.deliveryBacklog)}), ` +
        `drained ${phase.drainS ?? 'no'} s; CPU ${cpu.total} ms/delivery (${perProcess}) ` +
        `without sender and stubs (machine ${phase.cpu.machine} cores busy); Lua ${luaPerDelivery.toFixed(2)} calls, ${Math.round(luaUsPerDelivery)} µs per delivery\n`,
    );
  }
}
for (const [name, p99s] of results) process.stdout.write(`${name}: median ledger p99 ${Math.round(median(p99s))} ms over ${p99s.length}\n`);
