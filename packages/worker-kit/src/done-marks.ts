import type { Redis } from 'ioredis';

/**
 * How long a done mark is kept by default: one hour. A mark only has to outlive the time between a side effect
 * and a second run of the same delivery id, which comes from
 * - a stalled job: the worker died (or lost its lock) after the side effect, before BullMQ completed the job. A
 *   running worker's stalled check puts it back at the head of the queue within lock + 2 checks (≤ 90 s with
 *   the 30 s defaults);
 * - a re-added fan-out: the router died after its write, before completing the inbox job; the inbox job stalls
 *   the same way and re-adds the consumer jobs under the same ids. BullMQ ignores the add while the completed job
 *   is still kept (removeOnComplete: at most an hour, fewer under load), so the mark matters once it was removed,
 *   and the re-added job waits behind the queue's backlog before its first run checks the mark.
 * An hour covers both with room for a backlog as long as the retry policy's outage (35–70 min) and is the longest
 * a completed job is kept, while Redis holds rate × 1 h marks (1.8 M per consumer at 500/s) instead of a week's
 * worth. A delivery arriving again at the ingress gets the *same* id only within the dedup window, and then is not
 * queued at all, so the dedup window sets no lower bound. Left uncovered: a job caught mid-side-effect by a crash
 * whose queue then has no running worker for over an hour.
 */
export const DEFAULT_DONE_MARK_TTL_SECONDS = 3_600;

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

  async isDone(deliveryId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(deliveryId))) === 1;
  }

  async markDone(deliveryId: string): Promise<void> {
    // Only the key's existence counts; "1" is a shared integer in Redis, so a mark costs no value allocation.
    await this.redis.set(this.key(deliveryId), '1', 'EX', this.ttlSeconds);
  }
}
