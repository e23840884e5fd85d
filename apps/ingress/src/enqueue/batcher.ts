import { withDeadline } from './deadline';

/** Redis did not acknowledge a batch (error, or no answer within the deadline): nothing in it counts as accepted. */
export class EnqueueUnavailableError extends Error {
  override readonly name = 'EnqueueUnavailableError';

  constructor(
    readonly reason: 'timeout' | 'failed',
    options: { cause?: unknown } = {},
  ) {
    super(reason === 'timeout' ? 'the queue did not acknowledge in time' : 'the queue refused the write', options);
  }
}

export interface BatcherOptions<In, Out> {
  /** Writes every item with one round trip; returns one result per item, in order. */
  write(items: In[]): Promise<Out[]>;
  /** A batch is written at once when it reaches this size (otherwise at the end of the event-loop turn). */
  maxBatch: number;
  /** Every item of a batch is refused when the write takes longer than this. */
  timeoutMs: number;
  onBatch?(size: number, seconds: number, ok: boolean): void;
}

export interface Batcher<In, Out> {
  /** Resolves once the batch holding this item was acknowledged; rejects with EnqueueUnavailableError otherwise. */
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
 * Collects the items pushed during one event-loop turn (up to maxBatch) and writes them together: many requests
 * then share one Redis round trip, and each is answered only after its batch was acknowledged.
 */
export function createBatcher<In, Out>(options: BatcherOptions<In, Out>): Batcher<In, Out> {
  let pending: Pending<In, Out>[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  const inFlight = new Set<Promise<void>>();

  function flush(): void {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const written = writeBatch(batch).finally(() => inFlight.delete(written));
    inFlight.add(written);
  }

  async function writeBatch(batch: Pending<In, Out>[]): Promise<void> {
    const started = performance.now();
    try {
      const written = options.write(batch.map((p) => p.item));
      const results = await withDeadline(written, options.timeoutMs, () => new EnqueueUnavailableError('timeout'));
      options.onBatch?.(batch.length, (performance.now() - started) / 1000, true);
      batch.forEach((p, index) => p.resolve(results[index] as Out));
    } catch (error) {
      options.onBatch?.(batch.length, (performance.now() - started) / 1000, false);
      const refusal =
        error instanceof EnqueueUnavailableError ? error : new EnqueueUnavailableError('failed', { cause: error });
      for (const p of batch) p.reject(refusal);
    }
  }

  return {
    push(item) {
      return new Promise<Out>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        if (pending.length >= options.maxBatch) flush();
        else scheduled ??= setImmediate(flush);
      });
    },
    async drain() {
      flush();
      await Promise.all(inFlight);
    },
  };
}
