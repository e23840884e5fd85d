import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

export function testRedisUrl(): string {
  return inject('redisUrl');
}

/** A BullMQ prefix no other test uses, so tests run in parallel against one Redis. */
export function uniquePrefix(label = 't'): string {
  return `hh-test-${label}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under a prefix (call in afterEach/afterAll so no residue is left). */
export async function dropPrefix(prefix: string, url = testRedisUrl()): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
