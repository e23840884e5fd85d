import { makeDeadLetters } from '@herohooks/testing/dead-letters';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listDeadLetters, openQueuePair, type QueuePair } from './dead-letter';

describe('listDeadLetters', () => {
  let prefix: string;
  let redis: Redis;
  let pair: QueuePair;

  beforeEach(async () => {
    prefix = uniquePrefix('kit-dlq');
    await makeDeadLetters(prefix, 'slack', ['d-1', 'd-2', 'd-3', 'd-4', 'd-5']);
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    pair = openQueuePair('slack', redis, prefix);
  });

  afterEach(async () => {
    await pair.close();
    redis.disconnect();
    await dropPrefix(prefix);
  });

  it('pages with limit and start: the pages together hold every dead letter once', async () => {
    const pages: string[][] = [];
    for (let start = 0; ; start += 2) {
      const page = await listDeadLetters(pair, 2, start);
      if (page.length === 0) break;
      pages.push(page.map((job) => job.id!));
    }
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().sort()).toEqual(['d-1', 'd-2', 'd-3', 'd-4', 'd-5']);
  });
});
