import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { catalog, type ConsumerName } from '@herohooks/contracts';

/** Jobs still to be handled: anything here means the pipeline has not drained. */
const inFlightStates = ['waiting', 'active', 'delayed', 'prioritized', 'paused', 'waiting-children'] as const;

export interface QueueCounts {
  /** Jobs waiting, active, delayed, prioritized, paused or waiting for children. */
  inFlight: number;
  completed: number;
  failed: number;
  /** Everything in the consumer's dead-letter queue. */
  dead: number;
}

/** Reads the queues of the named consumers (names from the catalog), one Redis connection per call. */
export async function queueCounts(redisUrl: string, prefix: string, consumers: readonly ConsumerName[]) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const open = (name: string) => new Queue(name, { connection: redis, prefix });
  try {
    const entries = await Promise.all(
      consumers.map(async (consumer): Promise<[ConsumerName, QueueCounts]> => {
        const source = open(catalog[consumer].queue);
        const deadLetters = open(catalog[consumer].deadLetterQueue);
        const counts = await source.getJobCounts(...inFlightStates, 'completed', 'failed');
        const dead = Object.values(await deadLetters.getJobCounts()).reduce((sum, n) => sum + n, 0);
        await Promise.all([source.close(), deadLetters.close()]);
        const inFlight = inFlightStates.reduce((sum, state) => sum + (counts[state] ?? 0), 0);
        return [consumer, { inFlight, completed: counts.completed ?? 0, failed: counts.failed ?? 0, dead }];
      }),
    );
    return Object.fromEntries(entries) as Record<ConsumerName, QueueCounts>;
  } finally {
    redis.disconnect();
  }
}

export const drained = (counts: Record<string, QueueCounts>) => Object.values(counts).every((c) => c.inFlight === 0);
