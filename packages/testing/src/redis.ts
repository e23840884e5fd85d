import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { dropPrefix as dropKeysUnder } from './redis-keys';

export function testRedisUrl(): string {
  return inject('redisUrl');
}

/** A BullMQ prefix no other test uses, so tests run in parallel against one Redis. */
export function uniquePrefix(label = 't'): string {
  return `hh-test-${label}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under a prefix (call in afterEach/afterAll so no residue is left). */
export async function dropPrefix(prefix: string, url = testRedisUrl()): Promise<void> {
  await dropKeysUnder(prefix, url);
}
