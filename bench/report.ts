import { catalog } from '../packages/contracts/src/index';
import { perSink } from './delivery-backlog';
import { DRAIN_LIMIT_MS, WARMUP_S, keptUp, type E2ePhase } from './e2e';
import { GROWTH_BATCH } from './growth';
import type { Machine } from './machine';
import { pipelineCpuMsPerDelivery } from './cpu-per-delivery';
import { latency, statuses, table } from './markdown';
import { peerSection } from './report-peer';
import { round } from './stats';
import { verdicts, type BenchResults } from './targets';

export interface RunInfo {
  date: string;
  wallS: number;
  loadStart: string;
  loadEnd: string;
  machine: Machine;
  command: string;
  /** What this run did differently from the issue's full settings, and why. */
  notes: string[];
}

function ingressSection(results: BenchResults): string[] {
  const ingress = results.ingress;
  if (!ingress) return [];
  const rows = Object.entries(ingress).flatMap(([mode, run]) => [
    [mode, 'bare Fastify', run.bare.rps, run.bare.p50, run.bare.p99, `${run.bare.rssMb} (${run.bare.peakRssMb})`, statuses(run.bare.statuses), '1'],
    [mode, 'naive: HMAC + one add', run.naive.rps, run.naive.p50, run.naive.p99, `${run.naive.rssMb} (${run.naive.peakRssMb})`, statuses(run.naive.statuses), String(run.naiveRatio)],
    [mode, 'peer: Express 5 + one add', run.express.rps, run.express.p50, run.express.p99, `${run.express.rssMb} (${run.express.peakRssMb})`, statuses(run.express.statuses), String(run.expressRatio)],
    [mode, 'ingress', run.rps, run.p50, run.p99, `${run.rssMb} (${run.peakRssMb})`, statuses(run.statuses), `**${run.ratio}**`],
  ]);
  const any = ingress.always;
  return [
    '## Ingress: accepted webhooks/s, one process, beside bare Fastify',
    '',
    `autocannon, ${any.connections} connections, every body distinct and signed at send time (each is a 202, not a ` +
      'duplicate). Each AOF mode runs on its own private redis-server. The four servers are started once and take turns, in ' +
      `${any.rounds} rounds of ${any.roundS} s per server after a warm-up (bare, naive, peer, ingress, then the reverse order), ` +
      "and a ratio is the median of the rounds' ratios, so a burst of other load on this shared machine lands in one " +
      'round rather than in one server\'s whole figure; req/s is the mean over the rounds, p99 the worst round. ' +
      "After each turn the server's keys are deleted, so every turn starts on an empty Redis: left in (nothing " +
      'consumes these queues), they piled up to ~300 MB per AOF mode, and the AOF rewrites of that growing data set ' +
      "fell into the rounds. (In production the workers take the jobs, but the ingress' dedup claims stay for the " +
      'dedup window.) ' +
      'The ingress runs as it ships (`apps/ingress/dist/main.js` with its Node.js options, `LOG_LEVEL=info`); bare Fastify, the naive server ' +
      'and the peer run from source under tsx (its loader adds to their RSS, not to their speed). ' +
      '"naive" (`bench/naive-bullmq.ts`) verifies the HMAC, parses, and makes one BullMQ `add` per request with no ' +
      'dedup, schema, batching or logging: it calibrates what one durable write per request costs on this machine. ' +
      '"peer" (`bench/express-bullmq.ts`) is the same design on Express 5, the hand-rolled receiver a same-stack shop ' +
      'would write (its receiving side only here: nothing consumes its queue; "Peer end to end" below adds its consumer).',
    '',
    table(['Redis AOF', 'server', 'req/s', 'p50 ms', 'p99 ms', 'RSS MB (peak)', 'answers', 'ratio'], rows),
    '',
    ...Object.entries(ingress).map(
      ([mode, run]) =>
        `Rounds, AOF ${mode}: ingress/bare ${run.roundRatios.join(', ')}; req/s bare ${run.bare.roundRps.join(', ')}, ` +
        `naive ${run.naive.roundRps.join(', ')}, peer ${run.express.roundRps.join(', ')}, ingress ${run.roundRps.join(', ')}.`,
    ),
    '',
    'Reading it: on these 2-core machines the load generator, Redis and the server share the cores, so every server ' +
      'here is CPU-bound. The ingress does per request what the naive server does plus a dedup claim (a SHA-256 of ' +
      'the body and a SET NX in Redis), TypeBox validation, a log line and metrics, and answers as many or more: ' +
      'the deliveries of one event-loop turn are written as one transaction (their claims and ONE inbox job holding ' +
      'them all), so the per-job cost of BullMQ (job object, JSON and msgpack encoding, one Lua call, an ioredis ' +
      'pipeline) is paid once per batch instead of once per request. What is left per request is HTTP, the HMAC, ' +
      'parsing and the claim; the access log line and metrics are about 4 % of its CPU (switched off in place, ' +
      '12 alternating rounds, 2026-12-05). The payloads go into the batch as the text they were parsed from, not ' +
      'serialised again, and the batch goes out as a plain pipeline that keeps nothing alive past its reply (per-' +
      'transaction functions of ioredis and BullMQ kept every batch until a full collection: docs/operations.md, ' +
      'Ingress memory). At 50 connections the ingress also waits for Redis: CPU profiles find its main thread idle ' +
      '13–24 % of the time, and with 100 connections it answered 9–15 % more (`bench/ingress-variants.ts`, last ' +
      'argument the connections).',
    '',
  ];
}

function e2eSection(results: BenchResults): string[] {
  const e2e = results.e2e;
  if (!e2e) return [];
  const row = (label: string, pick: (p: E2ePhase) => string | number) => [label, ...e2e.phases.map((p) => String(pick(p)))];
  const rows = [
    row('sent / planned (open loop)', (p) => `${p.send.sent} / ${p.send.planned} (${p.send.sentPerS}/s, max lag ${p.send.maxLagMs} ms, skipped ${p.send.skipped})`),
    row('answers', (p) => `${statuses(p.send.statuses)}${p.send.errors ? `, ${p.send.errors} errors` : ''}`),
    row('HTTP answer p50 / p99 / max ms', (p) => latency(p.send.http)),
    row('accept → ledger commit p50 / p99 / max ms', (p) => latency(p.ledger)),
    row(`  of which, last ${catalog.ledger.keepCompleted} ledger batches: accept → routed to the ledger queue`, (p) => latency(p.ledgerHops.routed)),
    row('  … → taken by worker-ledger', (p) => latency(p.ledgerHops.waited)),
    row('  … → booked and completed', (p) => latency(p.ledgerHops.handled)),
    row('accept → Slack stub p50 / p99 / max ms', (p) => latency(p.slack)),
    row('accept → SMTP sink p50 / p99 / max ms', (p) => latency(p.email)),
    row('202s = ledger rows = Slack deliveries', (p) => `${p.accepted} = ${p.ledgerRows} = ${p.slackDeliveries ?? '–'}`),
    row('Slack messages posted (deliveries per message)', (p) =>
      p.slackPosts && p.slackDeliveries ? `${p.slackPosts} (${round(p.slackDeliveries / p.slackPosts, 1)})` : '–',
    ),
    row('emailed deliveries / routed-type deliveries', (p) => `${p.emails} / ${p.expectedEmails}`),
    row('emails sent (deliveries per email)', (p) =>
      p.emailPosts ? `${p.emailPosts} (${round(p.emails / p.emailPosts, 1)})` : '–',
    ),
    row('drained after last send', (p) => (p.drainS === null ? `not within ${DRAIN_LIMIT_MS / 1000} s` : `${p.drainS} s`)),
    row('backlog: deliveries not yet at their sinks, last / max; slope over the second half (per sink: slope of rate)', (p) =>
      `${p.deliveryBacklog.last} / ${p.deliveryBacklog.max}; ${p.deliveryBacklog.slopePerS} deliveries/s (` +
      `${perSink(p.deliveryBacklog)})`,
    ),
    row('queued jobs (inbox + consumers) first / last / max, slope', (p) => `${p.backlog.first} / ${p.backlog.last} / ${p.backlog.max}, ${p.backlog.slopePerS} jobs/s`),
    row('Redis used_memory first / last / max MB', (p) => `${p.redisMemory.firstMb} / ${p.redisMemory.lastMb} / ${p.redisMemory.maxMb}`),
    row('Redis memory slope (all / second half)', (p) => `${p.redisMemory.slopeKbPerS} / ${p.redisMemory.secondHalfSlopeKbPerS} KB/s`),
    row('Redis keys slope', (p) => `${p.keysSlopePerS} keys/s`),
    row(
      'keys with a TTL (claims, marks): slope, mean size',
      (p) => `${p.redisMemory.expiringKeysPerS} keys/s, ${p.redisMemory.bytesPerExpiringKey} B`,
    ),
    row('Redis memory slope without them (second half, estimated)', (p) => `${p.redisMemory.secondHalfSlopeWithoutExpiringKbPerS} KB/s`),
    row('finished jobs kept (keys without a TTL, less the backlog): slope, second half', (p) => `${p.redisMemory.persistentKeysPerS} keys/s`),
    row('ingress RSS MB (peak)', (p) => `${p.ingressRss.rssMb} (${p.ingressRss.peakRssMb})`),
    row('CPU cores while sending, per process', (p) =>
      Object.entries(p.cpu.processes)
        .map(([name, cores]) => `${name} ${cores}`)
        .join(', '),
    ),
    row('CPU cores: ours / whole machine', (p) => `${p.cpu.ours} / ${p.cpu.machine}`),
    row('CPU ms per delivery sent: our processes without sender and stubs (PostgreSQL not counted)', (p) => {
      const perDelivery = pipelineCpuMsPerDelivery(p);
      return `${perDelivery.total} (${Object.entries(perDelivery.processes)
        .map(([name, ms]) => `${name} ${ms}`)
        .join(', ')})${keptUp(p) ? '' : ', understated: the backlog grew'}`;
    }),
  ];
  return [
    '## End to end: fixed arrival rate through every process',
    '',
    'ingress → router → worker-ledger (PostgreSQL) + worker-slack (Slack stub) + worker-email (SMTP sink), each app ' +
      'its own process from `apps/<name>/dist` with the shipped defaults, its Node.js options (`scripts/apps.mjs`) and `LOG_LEVEL=info`, on a private ' +
      'redis-server with `appendfsync always` (the compose default). The sender is open loop (request *i* leaves at ' +
      `*i*/rate whatever the answers do), types rotate through all 11, every body distinct. A ${WARMUP_S}-s warm-up at ` +
      'the first rate runs before the measured phases and is not reported (a fresh process runs its hot paths in ' +
      "V8's interpreter). Latency starts at the " +
      "event's `receivedAt` (set by the ingress on accept) and ends at the ledger row's `booked_at` (PostgreSQL " +
      '`now()` of the booking transaction, committed right after), or at the stub/sink receipt. The stubs run in a ' +
      'process of their own. Redis is sampled once per second while sending. On 2 cores the sender (`bench`) and the ' +
      'stubs take CPU from the pipeline they measure; the CPU rows show how much, and how busy the shared machine was. ' +
      `The indented rows split the ledger path with the timestamps BullMQ keeps on the last ${catalog.ledger.keepCompleted} ` +
      'completed ledger jobs, one figure per delivery they hold (each job is the batch of one inbox batch: added by the ' +
      'router, taken by the worker, finished); they end after the commit, so they add up to a little more than the ' +
      'accept → ledger row.' +
      (e2e.slackMeasured ? '' : ' **Slack not measured**: worker-slack had no `SLACK_CHANNEL_INTERVAL_MS`, so it was not routed.'),
    '',
    table(['', ...e2e.phases.map((p) => `${p.ratePerSecond}/s for ${p.durationS} s`)], rows),
    '',
  ];
}

function growthSection(results: BenchResults): string[] {
  const g = results.growth;
  if (!g) return [];
  return [
    '## Growth: Redis memory and ledger size after 100k events',
    '',
    `${g.events.toLocaleString('en')} events pushed straight into the inbox (batch jobs of ${GROWTH_BATCH}, the most the ingress writes in one; the HTTP path is ` +
      'measured above, and this way there are no ingress dedup keys) into the same running pipeline, after the end-to-end runs.',
    '',
    table(
      ['figure', 'value'],
      [
        ['booked / pushed', `${g.booked} / ${g.events}`],
        ['worked off in', g.drainS === null ? 'not within the limit' : `${g.drainS} s (${g.eventsPerS} events/s end to end)`],
        ['Redis used_memory before / peak / after MB', `${g.redis.beforeMb} / ${g.redis.peakMb} / ${g.redis.afterMb}`],
        ['Redis keys before / after', `${g.redis.keysBefore} / ${g.redis.keysAfter}`],
        ['ledger size (all tables, indexes, TOAST)', `${g.ledger.totalMb} MB for ${g.ledger.rows} events`],
        ['ledger bytes per event', g.ledger.bytesPerEvent],
      ],
    ),
    '',
    'Redis keys at the end of the run, by kind (memory estimated from `MEMORY USAGE … SAMPLES 0` of up to 200 keys of each kind). ' +
      'Retention caps the finished jobs; unfinished jobs are the backlog; every per-delivery mark with a TTL grows ' +
      'with the number of deliveries until its TTL ends, so at a steady rate R it levels off near R × TTL × its size.',
    '',
    table(
      ['kind', 'keys', '≈ MB', '≈ bytes per key'],
      g.keyGroups.map((k) => [k.name, k.keys, k.approxMb, Math.round((k.approxMb * 1_048_576) / k.keys)]),
    ),
    '',
  ];
}

function ledgerSection(results: BenchResults): string[] {
  const l = results.ledger;
  if (!l) return [];
  const rows = [l.plain, l.queued1, l.queuedN, l.batched].map((r) => [
    r.label,
    r.concurrency,
    r.jobsPerS,
    r.seconds.toFixed(1),
    r.rssMb === undefined ? '–' : `${r.rssMb} (${r.peakRssMb})`,
  ]);
  return [
    '## Ledger worker: jobs/s against plain inserts',
    '',
    `${l.jobs} \`new_payout_request\` jobs (event row + payout row). The unbatched runs book one transaction per job; ` +
      'the shipped worker books each batch of jobs in one transaction (`LEDGER_BATCH_MAX`). The ceiling is the same ' +
      'rows written by plain `pg` with no queue; the worker is the real app, from source, reading a paused queue that is then resumed.',
    '',
    table(['run', 'concurrency', 'jobs/s', 'seconds', 'worker RSS MB (peak)'], rows),
    '',
    `Ratio ÷ plain: batched (as shipped) **${l.batchedRatio}**; one transaction per job at concurrency ` +
      `${l.queuedN.concurrency}: ${l.ratio}.`,
    '',
  ];
}

export function renderMarkdown(results: BenchResults, info: RunInfo): string {
  const m = info.machine;
  const targets = verdicts(results);
  return [
    '# Benchmarks',
    '',
    `Written by \`${info.command}\` on ${info.date}; the whole run took ${info.wallS} s. Do not edit by hand: run it again.`,
    '',
    'These machines are shared and noisy (other jobs run beside the benchmark, see the load averages), so absolute ' +
      'figures move from run to run. Read the **ratios**: each compares two things measured side by side in the same run.',
    '',
    '## Machine',
    '',
    table(
      ['', ''],
      [
        ['CPU', `${m.cores} × ${m.model}`],
        ['memory', `${m.memoryGb} GB`],
        ['load average (1, 5, 15 min) at start', info.loadStart],
        ['load average at end', info.loadEnd],
        ['node / redis / postgres', `${m.node} / ${m.redis} / ${m.postgres}`],
      ],
    ),
    '',
    '## Targets',
    '',
    table(
      ['target', 'measured', ''],
      targets.map((v) => [v.target, v.figure, v.met ? 'met' : '**not met**']),
    ),
    '',
    ...ingressSection(results),
    ...e2eSection(results),
    ...peerSection(results),
    ...growthSection(results),
    ...ledgerSection(results),
    '## How to run',
    '',
    '```sh',
    'pnpm bench                 # everything (builds the apps first), about 5 minutes',
    'pnpm bench --only ingress  # or ledger, peer, e2e, growth',
    'node --import tsx bench/ingress.ts 4    # one part alone (4 rounds), prints its own table',
    "node --import tsx bench/ingress-variants.ts '{\"shipped\":{},\"linger2\":{\"ENQUEUE_LINGER_MS\":\"2\"}}' everysec 8   # A/B of ingress settings",
    "node --import tsx bench/e2e-variants.ts '{\"shipped\":{},\"linger0\":{\"ingress\":{\"ENQUEUE_LINGER_MS\":\"0\"}}}' 500 10 2   # A/B of pipeline settings, end to end",
    'node --import tsx bench/ledger.ts 5000',
    '```',
    '',
    'PostgreSQL comes from `DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`; each part uses a schema of ' +
      'its own and drops it). Every part starts private `redis-server`s with AOF (the ledger and end-to-end parts with ' +
      '`appendfsync always`), so the shared Redis is never reconfigured. All traffic stays on 127.0.0.1.',
    '',
    ...(info.notes.length > 0 ? ['## Shortened in this run', '', ...info.notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
}
