import type { Redis } from 'ioredis';

/**
 * A "done" mark per (consumer, delivery), written after a side effect succeeded, so a redelivered or replayed
 * job does not post or mail twice. Kept at least as long as the ingress dedup window.
 */
export class DoneMarks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly consumer: string,
    private readonly ttlSeconds: number,
  ) {}

  private key(deliveryId: string): string {
    return `${this.prefix}:done:${this.consumer}:${deliveryId}`;
  }

  async isDone(deliveryId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(deliveryId))) === 1;
  }

  async markDone(deliveryId: string): Promise<void> {
    await this.redis.set(this.key(deliveryId), new Date().toISOString(), 'EX', this.ttlSeconds);
  }
}
