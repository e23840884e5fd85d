import { createBatcher } from '@herohooks/runtime';
import { asError, PermanentError } from './errors';
import type { JobContext } from './types';

/** How one delivery's send ended: undefined when it went out (or was found sent earlier), else why not. */
export type Outcome = Error | undefined;

export interface GatherOptions<T extends { ctx: JobContext }> {
  /** Where an item goes (a Slack channel, a recipient list): only items with the same destination share a send. */
  destinationOf(item: T): string;
  /** Sends one destination's items, each delivery once, in the order they came; one outcome per item. */
  send(destination: string, items: T[]): Promise<Outcome[]>;
  /** How long the first item waits for others to share its send. */
  lingerMs: number;
  /** Items that make a full send: they go without waiting. */
  lingerBelow: number;
}

export interface Gather<T> {
  /** Resolves once the item's delivery went out; rejects with its own outcome otherwise. */
  push(item: T): Promise<void>;
}

/**
 * Gathers the deliveries a worker hands over together (the events of a batch job run side by side, and those
 * reaching it within `lingerMs` of the first) and sends them per destination, so that one HTTP call or one email
 * carries several. Each delivery still succeeds or fails on its own: `send` returns an outcome per item, and a send
 * that throws is the failure of each of its items. Destinations are sent side by side. The same delivery pushed
 * twice for one destination in one gather (a batch re-run meeting its own retry) is sent once, and both pushes get
 * its outcome.
 */
export function createGather<T extends { ctx: JobContext }>(options: GatherOptions<T>): Gather<T> {
  const keyOf = (item: T) => `${options.destinationOf(item)}\n${item.ctx.deliveryId}`;

  async function sendTogether(items: T[]): Promise<Outcome[]> {
    const destinations = new Map<string, T[]>();
    const seen = new Set<string>();
    for (const item of items) {
      const key = keyOf(item);
      if (seen.has(key)) continue;
      seen.add(key);
      const destination = options.destinationOf(item);
      const list = destinations.get(destination);
      if (list) list.push(item);
      else destinations.set(destination, [item]);
    }
    const outcomes = new Map<string, Outcome>();
    await Promise.all(
      [...destinations].map(async ([destination, list]) => {
        const ended = await options.send(destination, list).catch((caught: unknown) => list.map(() => asError(caught)));
        list.forEach((item, index) => outcomes.set(keyOf(item), ended[index]));
      }),
    );
    return items.map((item) => outcomes.get(keyOf(item)));
  }

  const batcher = createBatcher<T, Outcome>({
    write: sendTogether,
    maxBatch: 1_000,
    lingerMs: options.lingerMs,
    lingerBelow: options.lingerBelow,
    // Items come from jobs already queued, not from senders waiting for each answer: a linger costs nobody.
    backOffUnpaidLingers: false,
  });

  return {
    async push(item) {
      const outcome = await batcher.push(item);
      if (outcome) throw outcome;
    },
  };
}

/**
 * Splits items, in order, into runs that fit one send each: at most `maxPerRun` items, and per budget, the sum of
 * the items' sizes within it. `sizesOf` gets whether the item would join a run (a separator may cost). An item
 * always fits alone.
 */
export function runsWithin<T>(
  items: readonly T[],
  maxPerRun: number,
  sizesOf: (item: T, joining: boolean) => readonly number[],
  budgets: readonly number[],
): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let used = budgets.map(() => 0);
  for (const item of items) {
    let sizes = sizesOf(item, run.length > 0);
    const full = run.length >= maxPerRun || sizes.some((size, index) => used[index]! + size > budgets[index]!);
    if (run.length > 0 && full) {
      runs.push(run);
      run = [];
      used = budgets.map(() => 0);
      sizes = sizesOf(item, false);
    }
    used = used.map((sum, index) => sum + sizes[index]!);
    run.push(item);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/**
 * Sends items in one go. When that fails in a way `mayBeOneItems` says can be one item's doing (a refusal of what
 * the message holds), sends each alone, one after another, so that only an item refused alone is refused. Once one
 * of those fails in a way that may pass (not a PermanentError: a timeout, a 5xx, a 429), the rest are not tried and
 * take that failure, so the kit retries each of them alone later.
 */
export async function sendTogetherOrEach<T>(
  items: readonly T[],
  send: (items: readonly T[]) => Promise<Outcome>,
  mayBeOneItems: (failure: Error) => boolean,
): Promise<Outcome[]> {
  const outcome = await send(items);
  if (!outcome || items.length === 1 || !mayBeOneItems(outcome)) return items.map(() => outcome);
  const each: Outcome[] = [];
  for (const item of items) {
    const failed = each.find((earlier) => earlier !== undefined && !(earlier instanceof PermanentError));
    each.push(failed ?? (await send([item])));
  }
  return each;
}
