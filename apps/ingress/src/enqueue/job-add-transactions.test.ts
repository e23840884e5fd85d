import { afterEach, describe, expect, it } from 'vitest';
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { connectRedis } from '@herohooks/runtime';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { jobAddTransactions, type JobAddTransactions } from './job-add-transactions';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function transactionsBesideQueue(): Promise<{ queue: Queue; transactions: JobAddTransactions }> {
  const prefix = uniquePrefix('job-add');
  const redis: Redis = connectRedis(testRedisUrl(), 'producer');
  const queue = new Queue('inbox', { connection: redis, prefix });
  const transactions = jobAddTransactions(redis, () => undefined);
  cleanups.push(() => redis.quit(), () => dropPrefix(prefix), () => queue.close(), () => transactions.close());
  await queue.client;
  return { queue, transactions };
}

describe('job-add transactions', () => {
  it('start MULTIs that carry only the job-add scripts, not the fifty BullMQ defines on the queue connection', async () => {
    const { queue, transactions } = await transactionsBesideQueue();
    const transaction = (await transactions.start()) as unknown as Record<string, unknown>;
    const queueScripts = Object.keys((await queue.client as unknown as { scriptsSet: object }).scriptsSet);
    const carried = queueScripts.filter((name) => typeof transaction[name] === 'function');

    expect(queueScripts.length).toBeGreaterThan(30);
    expect(carried.length).toBeGreaterThan(0);
    expect(carried.every((name) => /^add\w*Job:/.test(name))).toBe(true);
  });

  it('add a job that the queue then reads back', async () => {
    const { queue, transactions } = await transactionsBesideQueue();
    const transaction = await transactions.start();
    await new Job(queue, 'batch', { n: 1 }, {}, 'job-1').addJob(transaction);
    await transaction.exec();

    const job = await queue.getJob('job-1');
    expect(job?.data).toEqual({ n: 1 });
    expect(await queue.getWaitingCount()).toBe(1);
  });
});
