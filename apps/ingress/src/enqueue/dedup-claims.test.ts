import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { queueClaims, type Claims } from './dedup-claims';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function claimsOnNewPrefix() {
  const prefix = uniquePrefix('claims');
  const redis = new Redis(testRedisUrl());
  cleanups.push(() => redis.quit(), () => dropPrefix(prefix));
  const jobKey = `${prefix}:inbox:batch-1`;
  await redis.hset(jobKey, 'name', 'batch'); // the claims are written only when the batch job exists
  const claims = (deliveryIds: string[], claimNames = deliveryIds): Claims => ({
    jobKey,
    copiesKey: `${prefix}:inbox-copies:batch-1`,
    claimKeys: claimNames.map((name) => `${prefix}:inbox-dedup:${name}`),
    deliveryIds,
    ttlSeconds: 60,
  });
  /** Runs the claims in a MULTI, as the producer does; resolves with the holder of each claim. */
  const run = async (batch: Claims) => {
    const transaction = redis.multi();
    queueClaims(transaction, batch);
    const [[error, holders]] = (await transaction.exec()) as [[Error | null, string[]]];
    if (error) throw error;
    return holders;
  };
  return { redis, claims, run };
}

describe('dedup claims', () => {
  it('give each new delivery its own claim and record a copy under the delivery that holds the claim', async () => {
    const { redis, claims, run } = await claimsOnNewPrefix();
    expect(await run(claims(['d-1', 'd-2']))).toEqual(['d-1', 'd-2']);

    // A later delivery with d-1's body: same claim key, another delivery id.
    expect(await run(claims(['d-3'], ['d-1']))).toEqual(['d-1']);
    expect(await redis.hgetall(claims([]).copiesKey)).toEqual({ 'd-3': 'd-1' });
  });

  it('do not mark a batch as copies of itself when its transaction runs twice (ioredis resends after a reconnect)', async () => {
    const { redis, claims, run } = await claimsOnNewPrefix();
    const batch = claims(['d-1', 'd-2']);
    await run(batch);

    expect(await run(batch)).toEqual(['d-1', 'd-2']);
    expect(await redis.exists(batch.copiesKey)).toBe(0);
  });
});
