import { INBOX_BATCH, catalog } from '@herohooks/contracts';
import { makeDeadLetters, makeInboxBatchDeadLetter } from '@herohooks/testing/dead-letters';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { Queue } from 'bullmq';
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

describe('the alert of a dead letter', () => {
  it('names, for an inbox batch, the deliveries the batch holds', async () => {
    const prefix = uniquePrefix('kit-alert');
    const alerts = new Queue(catalog.alerts.queue, { connection: { url: testRedisUrl() }, prefix });
    try {
      await makeInboxBatchDeadLetter(prefix, 'batch-7', ['d-1', 'd-2', 'd-3'], 'fan_out_failed');
      const jobs = await alerts.getJobs(['waiting']);
      expect(jobs.map((job) => job.data)).toEqual([
        expect.objectContaining({
          consumer: 'inbox',
          deliveryId: 'batch-7',
          type: INBOX_BATCH,
          reason: 'fan_out_failed',
          deliveryIds: ['d-1', 'd-2', 'd-3'],
        }),
      ]);
    } finally {
      await alerts.close();
      await dropPrefix(prefix);
    }
  });

  it('carries no delivery list for a consumer job, whose id is its delivery', async () => {
    const prefix = uniquePrefix('kit-alert');
    const alerts = new Queue(catalog.alerts.queue, { connection: { url: testRedisUrl() }, prefix });
    try {
      await makeDeadLetters(prefix, 'ledger', ['d-9']);
      const [job] = await alerts.getJobs(['waiting']);
      expect(job!.data).toMatchObject({ consumer: 'ledger', deliveryId: 'd-9' });
      expect(job!.data).not.toHaveProperty('deliveryIds');
    } finally {
      await alerts.close();
      await dropPrefix(prefix);
    }
  });
});
