import { round, slope } from './stats';

/** One sink's view of the phase: when each delivery routed to it was accepted, and when the sink got each one. */
export interface SinkTimes {
  name: string;
  accepted: number[];
  received: number[];
}

export interface DeliveryBacklog {
  /** Deliveries accepted and not yet at their sink, summed over the sinks: at the end of sending, and at most. */
  last: number;
  max: number;
  /** Its slope over the sending window, deliveries per second; and each sink's share of it. */
  slopePerS: number;
  slopePerSBySink: Record<string, number>;
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
 * routed to it that were accepted by then less those it had got by then, summed over the sinks. Unlike a count of
 * queued jobs it does not depend on how many deliveries a job carries (a batch job holds up to 256), so it says what
 * a growing backlog means for the users: deliveries that arrive later and later. Times are epoch milliseconds.
 */
export function deliveryBacklog(sinks: SinkTimes[]): DeliveryBacklog {
  const accepts = sinks.flatMap((sink) => sink.accepted);
  if (accepts.length === 0) return { last: 0, max: 0, slopePerS: 0, slopePerSBySink: {} };
  const from = Math.min(...accepts);
  const to = Math.max(...accepts);
  // Each whole second from the first accept, and the last accept.
  const instants = Array.from({ length: Math.floor((to - from) / 1_000) + 1 }, (_, second) => from + second * 1_000);
  if (instants.at(-1)! < to) instants.push(to);
  const slopeOf = (series: number[]) => round(slope(series.map((y, i) => ({ x: (instants[i]! - from) / 1_000, y }))), 1);
  const bySink = sinks.map((sink) => {
    const arrived = countsAtOrBefore(sink.accepted, instants);
    const got = countsAtOrBefore(sink.received, instants);
    return arrived.map((count, i) => count - got[i]!);
  });
  const backlog = instants.map((_, i) => bySink.reduce((sum, series) => sum + series[i]!, 0));
  return {
    last: backlog.at(-1)!,
    max: Math.max(...backlog),
    slopePerS: slopeOf(backlog),
    slopePerSBySink: Object.fromEntries(sinks.map((sink, i) => [sink.name, slopeOf(bySink[i]!)])),
  };
}
