import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startRedisServer } from '../e2e/harness/redis-server';
import { benchE2e } from './e2e';
import { GROWTH_BATCH, benchGrowth } from './growth';
import { benchIngress, type IngressBenchResult } from './ingress';
import { benchLedger } from './ledger';
import { describeMachine, loadAverages } from './machine';
import { benchPeerE2e } from './peer-e2e';
import { startPipeline } from './pipeline';
import { renderMarkdown } from './report';
import { verdicts, type BenchResults } from './targets';

// Settings sized so that the whole run stays under 5 minutes on the 2-core machines (the full settings
// in the notes where they differ).
// Ingress: each server takes INGRESS_ROUNDS turns of INGRESS_ROUND_S under load (after a 2-s warm-up).
const INGRESS_ROUNDS = 4;
const INGRESS_ROUND_S = 2;
const LEDGER_JOBS = 5_000;
const E2E_RATES = [500, 2_000] as const;
const E2E_SECONDS = 30;
const GROWTH_EVENTS = 100_000;
// The peer end to end runs at the higher rate only, for half as long: it is a comparison, not a target. It runs
// last, after the pipeline is down; the growth part's wait leaves it PEER_RESERVE_MS of the budget.
const PEER_RATE = 2_000;
const PEER_SECONDS = 15;
const PEER_RESERVE_MS = 30_000;
const BUDGET_MS = 280_000;
const parts = ['ingress', 'ledger', 'e2e', 'growth', 'peer'] as const;
type Part = (typeof parts)[number];

const notes = [
  `The ledger part books ${LEDGER_JOBS.toLocaleString('en')} jobs per run instead of its default 10,000 (its concurrency-1 run alone takes 10–20 s per 5,000 here).`,
  `The peer end to end runs at ${PEER_RATE.toLocaleString('en')}/s for ${PEER_SECONDS} s, ` +
    `not at both rates for ${E2E_SECONDS} s.`,
  `The growth part pushes its ${GROWTH_EVENTS.toLocaleString('en')} events straight into the inbox (batch jobs of ${GROWTH_BATCH}), not over HTTP, and waits for them only until the 5-minute budget is spent.`,
];

function selectedParts(): Part[] {
  const { values } = parseArgs({ options: { only: { type: 'string', multiple: true } } });
  if (!values.only) return [...parts];
  const chosen = values.only.flatMap((v) => v.split(','));
  const unknown = chosen.filter((name) => !(parts as readonly string[]).includes(name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown part: ${unknown.join(', ')} (parts: ${parts.join(', ')})\n`);
    process.exit(2);
  }
  return chosen as Part[];
}

async function ingressWith(appendfsync: 'everysec' | 'always'): Promise<IngressBenchResult> {
  const redis = await startRedisServer(appendfsync);
  try {
    return await benchIngress({ rounds: INGRESS_ROUNDS, roundS: INGRESS_ROUND_S, redisUrl: redis.url });
  } finally {
    await redis.stop();
  }
}

const log = (line: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

const only = selectedParts();
const started = Date.now();
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const loadStart = loadAverages();
const machine = await describeMachine(databaseUrl);
const results: BenchResults = {};
log(`load average ${loadStart}; parts: ${only.join(', ')}`);

if (only.includes('ingress') || only.includes('e2e') || only.includes('growth')) {
  log('pnpm -s build');
  execSync('pnpm -s build', { stdio: 'inherit' });
}
if (only.includes('ingress')) {
  log('ingress, AOF everysec');
  const everysec = await ingressWith('everysec');
  log('ingress, AOF always');
  const always = await ingressWith('always');
  results.ingress = { everysec, always };
}
if (only.includes('ledger')) {
  log(`ledger, ${LEDGER_JOBS} jobs`);
  const redis = await startRedisServer('always');
  try {
    results.ledger = await benchLedger({ jobs: LEDGER_JOBS, redisUrl: redis.url, databaseUrl, timeoutMs: 60_000 });
  } finally {
    await redis.stop();
  }
}
if (only.includes('e2e') || only.includes('growth')) {
  log('starting the pipeline');
  const pipeline = await startPipeline(databaseUrl);
  try {
    if (only.includes('e2e')) {
      log(`end to end at ${E2E_RATES.join(' and ')}/s, ${E2E_SECONDS} s each`);
      results.e2e = await benchE2e(pipeline, E2E_RATES, E2E_SECONDS);
    }
    if (only.includes('growth')) {
      const reserveMs = only.includes('peer') ? PEER_RESERVE_MS : 0;
      const limitMs = Math.max(30_000, BUDGET_MS - reserveMs - (Date.now() - started));
      log(`growth: ${GROWTH_EVENTS} events into the inbox, waiting up to ${Math.round(limitMs / 1000)} s`);
      results.growth = await benchGrowth(pipeline, GROWTH_EVENTS, limitMs);
    }
  } finally {
    await pipeline.stop();
  }
}
if (only.includes('peer')) {
  log(`peer end to end (Express + BullMQ + PostgreSQL) at ${PEER_RATE}/s, ${PEER_SECONDS} s`);
  results.peer = await benchPeerE2e(databaseUrl, PEER_RATE, PEER_SECONDS);
}

const wallS = Math.round((Date.now() - started) / 1000);
const markdown = renderMarkdown(results, {
  date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  wallS,
  loadStart,
  loadEnd: loadAverages(),
  machine,
  command: only.length === parts.length ? 'pnpm bench' : `pnpm bench --only ${only.join(',')}`,
  notes,
});
console.log(`\n${markdown}`);
console.table(verdicts(results).map((v) => ({ target: v.target, measured: v.figure, met: v.met ? 'met' : 'NOT MET' })));
if (only.length === parts.length) {
  writeFileSync(new URL('../docs/benchmarks.md', import.meta.url), markdown);
  log(`wrote docs/benchmarks.md (${wallS} s in all)`);
} else {
  log(`${wallS} s; docs/benchmarks.md is written only by a full run`);
}
