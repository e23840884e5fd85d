import { afterEach, describe, expect, it } from 'vitest';
import { Job, Queue } from 'bullmq';
import { connectRedis } from '@herohooks/runtime';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { jobAddTransactions, type JobAddTransactions } from './job-add-transactions';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function transactionsBesideQueue(): Promise<{ queue: Queue; transactions: JobAddTransactions }> {
  const prefix = uniquePrefix('job-add');
  const redis = connectRedis(testRedisUrl(), 'producer');
  const queue = new Queue('inbox', { connection: redis, prefix });
  const transactions = jobAddTransactions(redis, () => undefined);
  cleanups.push(() => redis.quit(), () => dropPrefix(prefix), () => queue.close(), () => transactions.close());
  await queue.client;
  return { queue, transactions };
}

describe('job-add transactions', () => {
  it('add a job that the queue reads back, with the other commands of the transaction answered in order', async () => {
    const { queue, transactions } = await transactionsBesideQueue();
    const transaction = await transactions.start();
    await transaction.addJob(new Job(queue, 'batch', { n: 1 }, {}, 'job-1'));
    transaction.eval('return ARGV[1]', 0, 'after the add');

    expect(await transaction.exec()).toEqual([
      [null, 'job-1'],
      [null, 'after the add'],
    ]);
    expect((await queue.getJob('job-1'))?.data).toEqual({ n: 1 });
  });

  it("give a command's error in its place and still run the others (Redis does not roll a MULTI back)", async () => {
    const { transactions } = await transactionsBesideQueue();
    const transaction = await transactions.start();
    transaction.eval("return redis.error_reply('refused')", 0);
    transaction.eval('return 2', 0);

    const replies = await transaction.exec();
    expect(replies[0]?.[0]).toBeInstanceOf(Error);
    expect(replies[0]?.[0]?.message).toBe('ERR refused');
    expect(replies[1]).toEqual([null, 2]);
  });

  it('store no function on a transaction or its pipeline, so that V8 need not keep them past a young collection', async () => {
    const { transactions } = await transactionsBesideQueue();
    const transaction = await transactions.start();
    const pipeline = (transaction as unknown as { pipeline: object }).pipeline;
    const ownFunctions = (object: object) =>
      Object.getOwnPropertyNames(object).filter(
        (name) => typeof Object.getOwnPropertyDescriptor(object, name)?.get === 'function' ||
          typeof (object as Record<string, unknown>)[name] === 'function',
      );

    expect(ownFunctions(transaction)).toEqual([]);
    // ioredis' pipelines get a `length` getter of their own unless patches/ioredis@5.11.1.patch is applied.
    expect(ownFunctions(pipeline)).toEqual(['resolve', 'reject']);
  });

  it('refuse a batch after a second, not hold it, while the connection has never connected', async () => {
    const unreachable = connectRedis('redis://127.0.0.1:1', 'producer');
    unreachable.on('error', () => undefined);
    const transactions = jobAddTransactions(unreachable, () => undefined);
    cleanups.push(async () => unreachable.disconnect(), () => transactions.close());

    await expect(transactions.start()).rejects.toThrow(/has not connected/);
  });

  it('refuse a script BullMQ did not define for job adds, naming it', async () => {
    const { transactions } = await transactionsBesideQueue();
    const transaction = await transactions.start();
    expect(() => transaction.runCommand('moveToFinished:0', [])).toThrow(/moveToFinished:0/);
  });
});
