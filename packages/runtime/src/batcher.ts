import { withDeadline } from './deadline';

/** A batch write that did not settle within the batcher's `timeoutMs`. */
export class BatchTimeoutError extends Error {
  override readonly name = 'BatchTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`the batch write did not finish within ${timeoutMs} ms`);
  }
}

export interface BatcherOptions<In, Out> {
  /** Writes every item together; returns one result per item, in order. */
  write(items: In[]): Promise<Out[]>;
  /** A batch is written at once when it reaches this size (otherwise at the end of the event-loop turn). */
  maxBatch: number;
  /**
   * How long the first item of a batch waits for others before the batch is written (a full batch goes at once);
   * unset or 0 = the end of the event-loop turn. Fewer, fuller batches cost less CPU per item at moderate rates.
   * Lingers that do not pay are backed off (lingerBackoff), so senders that wait for each answer are not slowed down.
   */
  lingerMs?: number;
  /**
   * A batch that has this many items does not linger: it is written at the end of the event-loop turn, as it has
   * enough items to share the write (default: maxBatch). Under heavy load batches then go at once, and lingering
   * only gathers the thin batches of moderate rates, so that it adds no wait where it saves nothing.
   */
  lingerBelow?: number;
  /**
   * Whether lingers that do not pay are backed off (lingerBackoff; default true). Off for callers whose items come
   * from work already queued, not from senders that wait for each answer: there a linger costs nobody anything.
   */
  backOffUnpaidLingers?: boolean;
  /** Every item of a batch is refused with BatchTimeoutError when the write takes longer than this; unset = no limit. */
  timeoutMs?: number;
  /**
   * Most batches written at the same time; unset = no limit. While that many are in flight, pushed items wait and
   * go together as soon as one finishes, so the slower the writes, the fuller the batches.
   */
  maxInFlight?: number;
  /** What every item of a failed batch is rejected with; default: the write's error itself (or the BatchTimeoutError). */
  refusal?(error: unknown): unknown;
  onBatch?(size: number, seconds: number, ok: boolean): void;
}

export interface Batcher<In, Out> {
  /** Resolves with this item's result once its batch was written; rejects when the batch write failed. */
  push(item: In): Promise<Out>;
  /** Writes what is pending and waits for every batch in flight (shutdown). */
  drain(): Promise<void>;
}

interface Pending<In, Out> {
  item: In;
  resolve(value: Out): void;
  reject(error: unknown): void;
}

/**
 * Whether lingering pays. A linger pays when its batch filled up or an item joined in its second half: arrivals
 * keep coming whatever the answers do. One that ends with every item gathered early (often just the first) does
 * not: the senders wait for their answers (a closed loop of a few connections, or one sender posting one item at a
 * time), and waiting longer only slows them down. Independent arrivals miss a second half now and then (at 200/s
 * and 10 ms, 37 % of lingers; at 500/s, 8 %), so one unpaid linger changes nothing; after n ≥ 2 in a row, batches
 * go at the end of their turn for 2^(n-1) - 1 lingers' time (at most 255, about 2.5 s at 10 ms), and the next
 * linger after that time tells again. A sender that waits for each answer is then delayed by about one linger per
 * 2.5 s instead of on every item.
 */
function lingerBackoff(lingerMs: number) {
  let unpaidInARow = 0;
  let lingerAgainAt = 0;
  return {
    /** Whether a batch starting now may linger. */
    lingersNow: (now: number) => now >= lingerAgainAt,
    /** What a linger that started at `startedAt` gathered: `filled` up, and the last item joining at `lastJoinedAt`. */
    recordLinger(startedAt: number, lastJoinedAt: number, filled: boolean, now: number): void {
      if (filled || lastJoinedAt - startedAt >= lingerMs / 2) {
        unpaidInARow = 0;
        return;
      }
      unpaidInARow = Math.min(unpaidInARow + 1, 9);
      lingerAgainAt = now + (2 ** (unpaidInARow - 1) - 1) * lingerMs;
    },
  };
}

const alwaysLinger: ReturnType<typeof lingerBackoff> = { lingersNow: () => true, recordLinger() {} };

/**
 * Collects the items pushed during one event-loop turn or `lingerMs` (up to maxBatch) and writes them together: many callers then
 * share one round trip (or one transaction), and each is answered only after its batch was written.
 */
export function createBatcher<In, Out>(options: BatcherOptions<In, Out>): Batcher<In, Out> {
  const maxInFlight = options.maxInFlight ?? Number.POSITIVE_INFINITY;
  let pending: Pending<In, Out>[] = [];
  const lingerMs = options.lingerMs ?? 0;
  const lingerBelow = options.lingerBelow ?? options.maxBatch;
  let scheduled: { lingering: boolean; cancel(): void } | undefined;
  /** Items were left pending because maxInFlight batches were in flight: they go as soon as one finishes. */
  let heldBack = false;
  const inFlight = new Set<Promise<void>>();
  const backoff = options.backOffUnpaidLingers === false ? alwaysLinger : lingerBackoff(lingerMs);
  /** When the pending batch started lingering (undefined: it does not linger), and when its last item came. */
  let lingerStartedAt: number | undefined;
  let lastPushAt = 0;

  /**
   * Plans when the pending items go: after the linger (`linger`, a new batch, while lingering pays) or at the end
   * of this turn (items that waited for a batch in flight have waited long enough).
   */
  function schedule(linger: boolean): void {
    let lingering = linger && lingerMs > 0;
    // An existing schedule stands, unless it lingers and the batch should now go at the end of the turn.
    if (scheduled && (!scheduled.lingering || lingering)) return;
    if (lingering && !scheduled) lingering = !heldBack && backoff.lingersNow(lastPushAt);
    scheduled?.cancel();
    if (lingering) {
      const timer = setTimeout(flush, lingerMs);
      lingerStartedAt ??= lastPushAt;
      scheduled = { lingering, cancel: () => clearTimeout(timer) };
    } else {
      const immediate = setImmediate(flush);
      scheduled = { lingering, cancel: () => clearImmediate(immediate) };
    }
  }

  function flush(): void {
    scheduled?.cancel();
    scheduled = undefined;
    if (lingerStartedAt !== undefined && pending.length > 0 && inFlight.size < maxInFlight) {
      backoff.recordLinger(lingerStartedAt, lastPushAt, pending.length >= lingerBelow, performance.now());
      lingerStartedAt = undefined;
    }
    while (pending.length > 0 && inFlight.size < maxInFlight) {
      const batch = pending.slice(0, options.maxBatch);
      pending = pending.slice(options.maxBatch);
      const written = writeBatch(batch).finally(() => {
        inFlight.delete(written);
        if (heldBack) schedule(false);
      });
      inFlight.add(written);
    }
    heldBack = pending.length > 0;
  }

  async function settle(items: In[]): Promise<Out[]> {
    const written = options.write(items);
    const { timeoutMs } = options;
    return timeoutMs === undefined ? written : withDeadline(written, timeoutMs, () => new BatchTimeoutError(timeoutMs));
  }

  async function writeBatch(batch: Pending<In, Out>[]): Promise<void> {
    const started = performance.now();
    try {
      const results = await settle(batch.map((p) => p.item));
      options.onBatch?.(batch.length, (performance.now() - started) / 1000, true);
      batch.forEach((p, index) => p.resolve(results[index] as Out));
    } catch (error) {
      options.onBatch?.(batch.length, (performance.now() - started) / 1000, false);
      const refusal = options.refusal ? options.refusal(error) : error;
      for (const p of batch) p.reject(refusal);
    }
  }

  return {
    push(item) {
      return new Promise<Out>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        if (lingerMs > 0) lastPushAt = performance.now();
        if (pending.length >= options.maxBatch) flush();
        else schedule(pending.length < lingerBelow);
      });
    },
    async drain() {
      while (pending.length > 0 || inFlight.size > 0) {
        flush();
        await Promise.all(inFlight);
      }
    },
  };
}
