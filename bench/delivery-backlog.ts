import { round, slope } from './stats';

/** One sink's view of the phase: when each delivery routed to it was accepted, and when the sink got each one. */
export interface SinkTimes {
  name: string;
  accepted: number[];
  received: number[];
}

export interface SinkBacklog {
  /** Deliveries routed to the sink per second of the sending window. */
  ratePerS: number;
  /** Slope of its backlog over the second half of the window, deliveries per second. */
  slopePerS: number;
}

export interface DeliveryBacklog {
  /** Deliveries accepted and not yet at their sink, summed over the sinks: at the end of sending, and at most. */
  last: number;
  max: number;
  /** Slope of that sum over the second half of the sending window, deliveries per second. */
  slopePerS: number;
  bySink: Record<string, SinkBacklog>;
}

/** How many of the sorted `times` are ≤ each of the ascending `instants`. */
function countsAtOrBefore(times: number[], instants: number[]): number[] {
  const sorted = [...times].sort((a, b) => a - b);
  let index = 0;
  return instants.map((instant) => {
    while (index < sorted.length && sorted[index]! <= instant) index += 1;
    return index;
  });
}

/**
 * The backlog in deliveries, once per second from the first accept and at the last: for each sink, the deliveries
 * routed to it that were accepted by then less those it had got by then. Unlike a count of queued jobs it does not
 * depend on how many deliveries a job carries (a batch job holds up to 256), so it says what a growing backlog
 * means for the users: deliveries that arrive later and later. Slopes are taken over the second half of the window:
 * a sink that keeps up with a latency L still fills a backlog of rate × L during the first L seconds, then holds it.
 * Times are epoch milliseconds.
 */
export function deliveryBacklog(sinks: SinkTimes[]): DeliveryBacklog {
  // A loop, not Math.min(...times): a phase has more accepts than a call can take arguments.
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const sink of sinks) {
    for (const t of sink.accepted) {
      if (t < from) from = t;
      if (t > to) to = t;
    }
  }
  if (from > to) return { last: 0, max: 0, slopePerS: 0, bySink: {} };
  const windowS = Math.max((to - from) / 1_000, 1);
  // Each whole second from the first accept, and the last accept.
  const instants = Array.from({ length: Math.floor((to - from) / 1_000) + 1 }, (_, second) => from + second * 1_000);
  if (instants.at(-1)! < to) instants.push(to);
  const secondHalfSlope = (series: number[]) => {
    const points = series.map((y, i) => ({ x: (instants[i]! - from) / 1_000, y })).filter((p) => p.x >= windowS / 2);
    return round(slope(points), 1);
  };
  const series = sinks.map((sink) => {
    const arrived = countsAtOrBefore(sink.accepted, instants);
    const got = countsAtOrBefore(sink.received, instants);
    return arrived.map((count, i) => count - got[i]!);
  });
  const total = instants.map((_, i) => series.reduce((sum, one) => sum + one[i]!, 0));
  return {
    last: total.at(-1)!,
    max: Math.max(...total),
    slopePerS: secondHalfSlope(total),
    bySink: Object.fromEntries(
      sinks.map((sink, i) => [
        sink.name,
        { ratePerS: round(sink.accepted.length / windowS), slopePerS: secondHalfSlope(series[i]!) },
      ]),
    ),
  };
}

/** "ledger -5.9/s of 1999/s, slack 727.4/s of 1999/s": each sink's backlog slope beside its rate. */
export const perSink = (backlog: DeliveryBacklog): string =>
  Object.entries(backlog.bySink)
    .map(([sink, b]) => `${sink} ${b.slopePerS}/s of ${b.ratePerS}/s`)
    .join(', ');

/** Every sink's backlog grew by less than 2 % of its own rate. */
export const backlogFlat = (backlog: DeliveryBacklog): boolean =>
  Object.values(backlog.bySink).every((sink) => sink.slopePerS < 0.02 * sink.ratePerS);
