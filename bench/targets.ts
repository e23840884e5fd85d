import { perSink } from './delivery-backlog';
import { DRAIN_LIMIT_MS, keptUp, type E2eResult } from './e2e';
import type { GrowthResult } from './growth';
import type { IngressBenchResult } from './ingress';
import type { LedgerBenchResult } from './ledger';
import type { PeerE2eResult } from './peer-e2e';

export interface BenchResults {
  ingress?: { everysec: IngressBenchResult; always: IngressBenchResult };
  ledger?: LedgerBenchResult;
  e2e?: E2eResult;
  growth?: GrowthResult;
  peer?: PeerE2eResult;
}

export interface Verdict {
  target: string;
  figure: string;
  met: boolean;
}

/** The targets, each judged on this run's figures; a part that did not run gives no verdict. */
export function verdicts(results: BenchResults): Verdict[] {
  const out: Verdict[] = [];
  const { ingress, ledger, e2e } = results;
  if (ingress) {
    for (const [mode, run] of Object.entries(ingress)) {
      out.push({
        target: `ingress ≥ 0.40 of bare Fastify (moonshot 0.6), AOF ${mode}`,
        figure: `${run.ratio} (median of ${run.rounds} rounds: ${run.roundRatios.join(', ')}; mean ${run.rps} vs ${run.bare.rps} req/s)${run.ratio >= 0.6 ? ', moonshot reached' : ''}`,
        met: run.ratio >= 0.4,
      });
    }
  }
  const phase = (rate: number) => e2e?.phases.find((p) => p.ratePerSecond === rate);
  const at500 = phase(500);
  if (at500) {
    out.push({ target: 'accept → ledger p99 < 50 ms at 500/s', figure: `${at500.ledger.p99.toFixed(1)} ms`, met: at500.ledger.p99 < 50 });
  }
  const at2000 = phase(2000);
  if (at2000) {
    const allAccepted = at2000.accepted === at2000.send.planned;
    const keptPace = at2000.send.sentPerS >= 0.98 * 2000;
    const noGrowth = keptUp(at2000) && at2000.drainS! <= 10;
    const backlog = at2000.deliveryBacklog;
    out.push({
      target:
        "sustained 2,000/s end to end, no backlog growth (each sink's deliveries not yet there: slope < 2 % of its rate over the second half, drained ≤ 10 s after)",
      figure:
        `${at2000.send.sentPerS}/s sent, ${at2000.accepted}/${at2000.send.planned} accepted; backlog slope per sink ` +
        `${perSink(backlog)} ` +
        `(max ${backlog.max} in all); drained in ${at2000.drainS ?? '> limit'} s`,
      met: allAccepted && keptPace && noGrowth,
    });
  }
  if (e2e && e2e.phases.length > 0) {
    const peak = Math.max(...e2e.phases.map((p) => p.ingressRss.peakRssMb));
    out.push({ target: 'ingress RSS < 150 MB at peak (built app, end-to-end runs)', figure: `${peak} MB`, met: peak < 150 });
    for (const p of e2e.phases) {
      const slackOk = p.slackDeliveries === null || p.slackDeliveries === p.accepted;
      const counts = `${p.accepted} = ${p.ledgerRows} = ${p.slackDeliveries ?? 'not measured'}; ${p.emails} of ${p.expectedEmails}`;
      out.push({
        target: `no loss at ${p.ratePerSecond}/s: 202s = ledger rows = Slack deliveries; emails = routed types`,
        figure: p.drainS === null ? `backlog not worked off within ${DRAIN_LIMIT_MS / 1000} s, so far: ${counts}` : counts,
        met: p.ledgerRows === p.accepted && slackOk && p.emails === p.expectedEmails,
      });
    }
  }
  // Flatness is judged at the highest rate the pipeline sustained (a growing backlog grows memory by itself), on
  // what retention governs: the finished jobs kept (keys without a TTL, less the unfinished jobs) must stop growing.
  // Keys with a TTL (dedup claims, done and attempt marks) level off at rate × TTL instead, shown beside it.
  const sustained = e2e?.phases.filter(keptUp).at(-1);
  if (e2e && e2e.phases.length > 0) {
    const m = sustained?.redisMemory;
    out.push({
      target: 'Redis memory flat under sustained load: finished jobs kept not growing (second-half slope < 1 % of the rate), at the highest sustained rate',
      figure: m
        ? `at ${sustained.ratePerSecond}/s: finished jobs kept ${m.persistentKeysPerS} keys/s; used_memory ${m.secondHalfSlopeKbPerS} KB/s, ` +
          `of which keys with a TTL +${m.expiringKeysPerS}/s × ${m.bytesPerExpiringKey} B (they level off at rate × TTL)`
        : 'no rate was sustained',
      met: m !== undefined && Math.abs(m.persistentKeysPerS) < 0.01 * sustained!.ratePerSecond,
    });
  }
  if (ledger) {
    out.push({
      target: 'ledger ≥ 0.5 of plain inserts (the worker as shipped: batched commits)',
      figure:
        `${ledger.batchedRatio} (${ledger.batched.jobsPerS} vs ${ledger.plain.jobsPerS} jobs/s; ` +
        `one transaction per job at ${ledger.queuedN.concurrency}: ${ledger.ratio})`,
      met: ledger.batchedRatio >= 0.5,
    });
  }
  return out;
}
