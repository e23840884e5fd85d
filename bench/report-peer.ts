import { DRAIN_LIMIT_MS, keptUp, type E2ePhase } from './e2e';
import { cpuMsPerDelivery, pipelineCpuMsPerDelivery } from './cpu-per-delivery';
import { latency, statuses, table } from './markdown';
import type { BenchResults } from './targets';

/** The peer end to end beside herohooks at the same rate, from the e2e part when it ran. */
export function peerSection(results: BenchResults): string[] {
  const peer = results.peer;
  if (!peer) return [];
  const ours = results.e2e?.phases.find((p) => p.ratePerSecond === peer.ratePerSecond);
  const processCores = (cpu: Record<string, number>) =>
    Object.entries(cpu)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
  const drained = (s: number | null) => (s === null ? `not within ${DRAIN_LIMIT_MS / 1000} s` : `${s} s`);
  const kept = (up: boolean) => (up ? 'kept up' : '**fell behind**');
  const sinks = results.e2e?.slackMeasured === false ? 'ledger and email' : 'ledger, Slack and email';
  const peerOwn = Object.fromEntries(Object.entries(peer.cpu.processes).filter(([name]) => name !== 'bench'));
  const both = (label: string, peerCell: string, oursCell: (p: E2ePhase) => string) => [
    label,
    peerCell,
    ours ? oursCell(ours) : '–',
  ];
  const rows: string[][] = [
    both(
      'per delivery',
      'HMAC, parse, one BullMQ add; one INSERT (no dedup, schema, log line, fan-out or idempotent booking)',
      () => `HMAC, dedup claim, schema, log line, batched write; routed to the ${sinks}; booked idempotently`,
    ),
    both(
      'sent / planned',
      `${peer.send.sent} / ${peer.send.planned} (${peer.send.sentPerS}/s, skipped ${peer.send.skipped})`,
      (p) => `${p.send.sent} / ${p.send.planned} (${p.send.sentPerS}/s, skipped ${p.send.skipped})`,
    ),
    both('answers', statuses(peer.send.statuses), (p) => statuses(p.send.statuses)),
    both('HTTP answer p50 / p99 / max ms', latency(peer.send.http), (p) => latency(p.send.http)),
    both('accept → booked_at p50 / p99 / max ms', latency(peer.booked), (p) => latency(p.ledger)),
    both('202s = rows', `${peer.accepted} = ${peer.rows}`, (p) => `${p.accepted} = ${p.ledgerRows}`),
    both('drained after last send', drained(peer.drainS), (p) => drained(p.drainS)),
    both(
      'kept up: backlog slope over the second half (herohooks: every sink)',
      `${peer.backlog.slopePerS}/s; ${kept(peer.keptUp)}`,
      (p) => `ledger ${p.deliveryBacklog.bySink.ledger?.slopePerS ?? '–'}/s; ${kept(keptUp(p))}`,
    ),
    both('CPU cores while sending', processCores(peer.cpu.processes), (p) => processCores(p.cpu.processes)),
    both('CPU cores: whole machine (PostgreSQL included)', String(peer.cpu.machine), (p) => String(p.cpu.machine)),
    both(
      'CPU ms per delivery: every process but the sender and stubs (PostgreSQL not counted)',
      String(cpuMsPerDelivery(peerOwn, peer.send.sentPerS)),
      (p) => String(pipelineCpuMsPerDelivery(p).total),
    ),
    both(
      'receiving side, CPU ms per request',
      `${cpuMsPerDelivery({ receiver: peer.cpu.processes.receiver ?? Number.NaN }, peer.send.sentPerS)} (Express)`,
      (p) => `${cpuMsPerDelivery({ ingress: p.cpu.processes.ingress ?? Number.NaN }, p.send.sentPerS)} (ingress)`,
    ),
  ];
  return [
    '## Peer end to end: Express + BullMQ + PostgreSQL',
    '',
    'The ingestion a same-stack shop would write by hand: `bench/express-bullmq.ts` receives (the peer of the ingress ' +
      'table above) and `bench/peer-worker.ts` consumes, a BullMQ worker with concurrency ' +
      `${peer.concurrency} writing each job into PostgreSQL with one INSERT. It runs alone (herohooks is not up), on a ` +
      'private redis-server with `appendfsync always`, under the same open-loop sender after a short warm-up' +
      `${peer.warmUpDrained ? '' : ' (which had **not** drained when the measured run began)'}; latency runs from ` +
      "the job's add (the accept) to its row's `booked_at` (`now()` of the INSERT). Beside it, herohooks at the " +
      'same rate from the end-to-end part. The peer does much less per delivery and has one sink where herohooks ' +
      `has the ${sinks} on the same machine, so its latency is no target to beat: the rows show what the extra ` +
      'work costs. The peer commits once per delivery; that PostgreSQL work shows only in the whole-machine row.',
    '',
    table(['', `peer, ${peer.ratePerSecond}/s for ${peer.durationS} s`, ours ? `herohooks, ${ours.ratePerSecond}/s` : 'herohooks'], rows),
    '',
  ];
}
