import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchTimeoutError, createBatcher, type BatcherOptions } from './batcher';

/** A promise and the functions that settle it, to hold a write open until the test lets it finish. */
function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** A batcher whose write records each batch and answers null per item; `firstWrite` holds the first write open. */
function recordingBatcher(options: Omit<BatcherOptions<number, null>, 'write'>, firstWrite?: Promise<void>) {
  const writes: number[][] = [];
  const batcher = createBatcher<number, null>({
    ...options,
    write: async (items) => {
      writes.push(items);
      if (writes.length === 1 && firstWrite) await firstWrite;
      return items.map(() => null);
    },
  });
  return { writes, batcher };
}

describe('createBatcher', () => {
  it('writes the items pushed in one event-loop turn with one write, in order', async () => {
    const writes: number[][] = [];
    const batcher = createBatcher<number, number>({
      maxBatch: 256,
      timeoutMs: 1_000,
      write: async (items) => {
        writes.push(items);
        return items.map((n) => n * 10);
      },
    });
    const results = await Promise.all([1, 2, 3].map((n) => batcher.push(n)));
    expect(results).toEqual([10, 20, 30]);
    expect(writes).toEqual([[1, 2, 3]]);
  });

  it('with lingerMs, gathers items pushed in separate turns within the linger into one write', async () => {
    const { writes, batcher } = recordingBatcher({ maxBatch: 256, lingerMs: 50 });
    const first = batcher.push(1);
    await new Promise((resolve) => setImmediate(resolve));
    const second = batcher.push(2);
    await Promise.all([first, second]);
    expect(writes).toEqual([[1, 2]]);
  });

  it('with lingerMs, writes a full batch at once without waiting for the linger', async () => {
    const batcher = createBatcher<number, null>({ maxBatch: 2, lingerMs: 60_000, write: async (items) => items.map(() => null) });
    await expect(Promise.all([batcher.push(1), batcher.push(2)])).resolves.toEqual([null, null]);
  });

  it('with lingerBelow, writes a batch that reached it at the end of the turn instead of lingering', async () => {
    const { writes, batcher } = recordingBatcher({ maxBatch: 256, lingerMs: 60_000, lingerBelow: 3 });
    const lingering = batcher.push(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(writes).toEqual([]);
    await Promise.all([lingering, batcher.push(2), batcher.push(3)]);
    expect(writes).toEqual([[1, 2, 3]]);
  });

  describe('lingering (fake timers)', () => {
    const LINGER_MS = 100;
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'performance'] });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    const lingeringBatcher = (firstWrite?: Promise<void>) =>
      recordingBatcher({ maxBatch: 256, lingerMs: LINGER_MS }, firstWrite);
    /** Lets the event loop run for `ms` of fake time: immediates, due timers and the promises they settle. */
    const pass = (ms: number) => vi.advanceTimersByTimeAsync(ms);

    it('lets the next batch linger in full while a batch is being written', async () => {
      const firstWrite = gate();
      const { writes, batcher } = lingeringBatcher(firstWrite.opened);
      const first = batcher.push(1);
      await pass(60);
      const second = batcher.push(2);
      await pass(40);
      expect(writes).toEqual([[1, 2]]);
      const third = batcher.push(3);
      firstWrite.open();
      await Promise.all([first, second]);
      await pass(10);
      expect(writes).toEqual([[1, 2]]);
      await pass(50);
      const fourth = batcher.push(4);
      await pass(LINGER_MS);
      await Promise.all([third, fourth]);
      expect(writes).toEqual([[1, 2], [3, 4]]);
    });

    it('stops lingering for a sender that waits for each answer, and tries again later, less often each time', async () => {
      const { writes, batcher } = lingeringBatcher();
      /** Pushes one item alone; answers whether it lingered (was not written by the end of its turn). */
      const lingers = async (item: number) => {
        const done = batcher.push(item);
        await pass(1);
        const lingered = !writes.some((batch) => batch.includes(item));
        await pass(LINGER_MS);
        await done;
        return lingered;
      };
      // One linger that gathers nothing may be chance (independent arrivals); two in a row back off one linger's time.
      expect(await lingers(1)).toBe(true);
      expect(await lingers(2)).toBe(true);
      expect(await lingers(3)).toBe(false);
      await pass(LINGER_MS);
      // A third in a row: the backoff is now three lingers long.
      expect(await lingers(4)).toBe(true);
      await pass(LINGER_MS);
      expect(await lingers(5)).toBe(false);
      await pass(2 * LINGER_MS);
      expect(await lingers(6)).toBe(true);
    });

    it('with backOffUnpaidLingers false, lingers every time, whatever the lingers gathered', async () => {
      const { writes, batcher } = recordingBatcher({ maxBatch: 256, lingerMs: LINGER_MS, backOffUnpaidLingers: false });
      for (let item = 1; item <= 5; item += 1) {
        const done = batcher.push(item);
        await pass(1);
        expect(writes.some((batch) => batch.includes(item))).toBe(false);
        await pass(LINGER_MS);
        await done;
      }
      expect(writes).toEqual([[1], [2], [3], [4], [5]]);
    });

    it('stops lingering when the items of a few senders all arrive at its start, and lingers on when one comes late', async () => {
      const { writes, batcher } = lingeringBatcher();
      for (const round of [0, 1]) {
        const together = [1, 2, 3].map((item) => batcher.push(10 * round + item));
        await pass(LINGER_MS);
        await Promise.all(together);
      }
      const next = batcher.push(4);
      await pass(1);
      expect(writes).toEqual([[1, 2, 3], [11, 12, 13], [4]]);
      await next;
      await pass(LINGER_MS);
      const early = batcher.push(5);
      await pass(LINGER_MS / 2 + 1);
      const late = batcher.push(6);
      await pass(LINGER_MS);
      await Promise.all([early, late]);
      const afterPaidLinger = batcher.push(7);
      await pass(1);
      expect(writes).toEqual([[1, 2, 3], [11, 12, 13], [4], [5, 6]]);
      await pass(LINGER_MS);
      await afterPaidLinger;
      expect(writes.at(-1)).toEqual([7]);
    });
  });

  it('starts a new batch when maxBatch is reached', async () => {
    const sizes: number[] = [];
    const batcher = createBatcher<number, null>({
      maxBatch: 4,
      write: async (items) => {
        sizes.push(items.length);
        return items.map(() => null);
      },
    });
    await Promise.all(Array.from({ length: 10 }, (_, n) => batcher.push(n)));
    expect(sizes).toEqual([4, 4, 2]);
  });

  it('rejects every item of a failed batch with the write error, or with what refusal makes of it', async () => {
    const boom = new Error('boom');
    const plain = createBatcher<number, null>({ maxBatch: 8, write: async () => Promise.reject(boom) });
    const mapped = createBatcher<number, null>({
      maxBatch: 8,
      write: async () => Promise.reject(boom),
      refusal: (error) => new Error('refused', { cause: error }),
    });
    const [first, second] = await Promise.allSettled([plain.push(1), plain.push(2)]);
    expect([first, second]).toEqual([
      { status: 'rejected', reason: boom },
      { status: 'rejected', reason: boom },
    ]);
    const outcomes = await Promise.allSettled([mapped.push(1), mapped.push(2)]);
    for (const outcome of outcomes) {
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ message: 'refused', cause: boom });
    }
  });

  it('refuses every item of a batch whose write outlives timeoutMs with BatchTimeoutError', async () => {
    const hanging = createBatcher<number, null>({ maxBatch: 8, timeoutMs: 50, write: () => new Promise(() => undefined) });
    const outcomes = await Promise.allSettled([hanging.push(1), hanging.push(2)]);
    for (const outcome of outcomes) {
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(BatchTimeoutError);
    }
  });

  it('with maxInFlight, holds items pushed while the writes are busy and writes them together when one finishes', async () => {
    const writes: number[][] = [];
    const first = gate();
    const batcher = createBatcher<number, number>({
      maxBatch: 3,
      maxInFlight: 1,
      write: async (items) => {
        writes.push(items);
        if (writes.length === 1) await first.opened;
        return items;
      },
    });
    const head = batcher.push(0);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = Array.from({ length: 7 }, (_, n) => batcher.push(n + 1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([[0]]);
    first.open();
    expect(await Promise.all([head, ...rest])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(writes).toEqual([[0], [1, 2, 3], [4, 5, 6], [7]]);
  });

  it('drain writes what is pending and resolves only after every batch was written', async () => {
    const written: number[] = [];
    const batcher = createBatcher<number, null>({
      maxBatch: 2,
      maxInFlight: 1,
      write: async (items) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        written.push(...items);
        return items.map(() => null);
      },
    });
    const pushed = [1, 2, 3, 4, 5].map((n) => batcher.push(n));
    await batcher.drain();
    expect(written).toEqual([1, 2, 3, 4, 5]);
    await Promise.all(pushed);
  });
});
