import type { Redis } from 'ioredis';

/**
 * How long a done mark is kept by default: 24 hours, the default dedup window. A mark has to outlive the time
 * between a side effect and a second run of the same delivery id, which comes from
 * - a stalled job: the worker died (or lost its lock) after the side effect, before BullMQ completed the job; it
 *   comes back within lock + 2 checks (≤ 90 s with the 30 s defaults) once a worker runs;
 * - a re-added fan-out: the router died after its write, before completing the inbox batch; the batch runs again
 *   and re-adds the consumer jobs under the same ids. BullMQ ignores that add only while the completed jobs are
 *   still kept (the last 1,000 per queue: seconds at a high rate), so the mark is what stops the second run, and
 *   that run may wait behind a backlog of hours (Slack at one message per second and channel);
 * - a replayed inbox dead letter whose fan-out had already landed.
 * A day covers these with a wide margin, and costs rate × 24 h marks of ~100 bytes, the same order as the
 * ingress' dedup claims (docs/operations.md sizes both).
 */
export const DEFAULT_DONE_MARK_TTL_SECONDS = 24 * 3_600;

/**
 * A "done" mark per (consumer, delivery), written after a side effect succeeded, so a redelivered job does not
 * post or mail twice.
 */
export class DoneMarks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly consumer: string,
    private readonly ttlSeconds: number,
  ) {}

  key(deliveryId: string): string {
    return `${this.prefix}:done:${this.consumer}:${deliveryId}`;
  }

  /** The deliveries of `deliveryIds` already marked done, in one round trip. */
  async doneAmong(deliveryIds: readonly string[]): Promise<Set<string>> {
    if (deliveryIds.length === 0) return new Set();
    const marks = await this.redis.mget(deliveryIds.map((id) => this.key(id)));
    return new Set(deliveryIds.filter((_id, index) => marks[index] !== null));
  }

  async markDone(deliveryId: string): Promise<void> {
    // Only the key's existence counts; "1" is a shared integer in Redis, so a mark costs no value allocation.
    await this.redis.set(this.key(deliveryId), '1', 'EX', this.ttlSeconds);
  }
}
