import { consumerNames, type ConsumerName } from '@herohooks/contracts';
import { CommonEnv, parseEnv, redisOptions } from '@herohooks/runtime';
import { openQueuePair, type QueuePair } from '@herohooks/worker-kit';
import { Type } from '@sinclair/typebox';
import { Redis } from 'ioredis';
import { UsageError } from './command';

const QueueEnv = Type.Object({ REDIS_URL: CommonEnv.REDIS_URL, QUEUE_PREFIX: CommonEnv.QUEUE_PREFIX });

/** `--queue` takes a catalog consumer name; without it a verb covers every consumer. */
export function selectConsumers(queue: string | undefined): ConsumerName[] {
  if (queue === undefined) return consumerNames;
  if (!(consumerNames as string[]).includes(queue)) {
    throw new UsageError(`--queue must be one of ${consumerNames.join(', ')}`);
  }
  return [queue as ConsumerName];
}

/**
 * Opens the queue and dead-letter queue of each consumer on one connection (REDIS_URL, QUEUE_PREFIX from env),
 * runs `use`, and closes everything. An unreachable Redis fails at once instead of hanging the terminal.
 */
export async function withQueuePairs<T>(
  env: NodeJS.ProcessEnv,
  consumers: readonly ConsumerName[],
  use: (pairs: QueuePair[]) => Promise<T>,
): Promise<T> {
  const { REDIS_URL, QUEUE_PREFIX } = parseEnv(QueueEnv, env);
  const redis = new Redis(REDIS_URL, { ...redisOptions('producer'), lazyConnect: true, retryStrategy: () => null });
  // The same error rejects connect() or the pending command, and the CLI reports it in its one line.
  redis.on('error', () => {});
  try {
    await redis.connect();
    const pairs = consumers.map((name) => openQueuePair(name, redis, QUEUE_PREFIX));
    try {
      return await use(pairs);
    } finally {
      await Promise.all(pairs.map((pair) => pair.close()));
    }
  } finally {
    redis.disconnect();
  }
}
