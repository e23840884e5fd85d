import { catalog, jobOptions, type ConsumerDefinition, type ConsumerName } from '@herohooks/contracts';
import { Queue, UnrecoverableError, type ConnectionOptions, type Job } from 'bullmq';
import { PermanentError } from './errors';
import type { JobItem } from './job-items';

/** What a dead-letter queue job holds: enough to understand the failure and replay the job unchanged. */
export interface DeadLetter {
  consumer: string;
  queue: string;
  /** The original job's id: the delivery id, kept on replay. */
  jobId: string;
  name: string;
  data: unknown;
  reason: string;
  error: { name: string; message: string; stack?: string | undefined };
  attemptsMade: number;
  enqueuedAt: string;
  failedAt: string;
}

export function reasonOf(error: Error): string {
  if (error instanceof PermanentError) return error.reason;
  // BullMQ itself fails a job with UnrecoverableError when it stalled more often than maxStalledCount.
  if (error instanceof UnrecoverableError) return 'stalled_too_often';
  return 'attempts_exhausted';
}

/** The dead letter of one item: a bare job, or one event of a batch job (dead-lettered alone, by its delivery id). */
export function deadLetterOf(consumer: ConsumerName, item: JobItem, error: Error, attemptsMade: number): DeadLetter {
  return {
    consumer,
    queue: catalog[consumer].queue,
    jobId: item.id,
    name: item.name,
    data: item.data,
    reason: reasonOf(error),
    error: { name: error.name, message: error.message, stack: error.stack },
    attemptsMade,
    enqueuedAt: new Date(item.timestamp).toISOString(),
    failedAt: new Date().toISOString(),
  };
}

/** The dead-letter jobs sit in "waiting": nothing consumes a dead-letter queue, people and the CLI do. */
export const deadLetterJobOptions = { removeOnComplete: true, removeOnFail: false } as const;

export interface QueuePair {
  definition: ConsumerDefinition;
  source: Queue;
  deadLetters: Queue<DeadLetter>;
  close(): Promise<void>;
}

export function openQueuePair(consumer: ConsumerName, connection: ConnectionOptions, prefix: string): QueuePair {
  const definition = catalog[consumer];
  const source = new Queue(definition.queue, { connection, prefix });
  const deadLetters = new Queue<DeadLetter>(definition.deadLetterQueue, { connection, prefix });
  return {
    definition,
    source,
    deadLetters,
    close: async () => {
      await Promise.all([source.close(), deadLetters.close()]);
    },
  };
}

/** Up to `limit` dead letters (oldest first) from `start`; page on with start += limit until a page is empty. */
export async function listDeadLetters(pair: QueuePair, limit = 1_000, start = 0): Promise<Job<DeadLetter>[]> {
  return pair.deadLetters.getJobs(['waiting', 'paused', 'prioritized'], start, start + limit - 1, true);
}

/**
 * Puts a dead letter back on its consumer queue with the same job id (the delivery id), fresh attempts, and
 * removes it from the dead-letter queue. The failed original, kept for inspection, is removed first because
 * BullMQ ignores an add whose job id still exists.
 */
export async function replayDeadLetter(pair: QueuePair, deadLetterJobId: string): Promise<boolean> {
  const dead = await pair.deadLetters.getJob(deadLetterJobId);
  if (!dead) return false;
  const letter = dead.data;
  const original = await pair.source.getJob(letter.jobId);
  if (original) await original.remove();
  // The letter goes first: removed after the add, it could be a new letter of the replayed job failing at once.
  await dead.remove();
  try {
    await pair.source.add(letter.name, letter.data, jobOptions(pair.definition, letter.jobId));
  } catch (error) {
    await pair.deadLetters.add(dead.name, letter, { ...deadLetterJobOptions, jobId: deadLetterJobId });
    throw error;
  }
  return true;
}

export async function purgeDeadLetters(pair: QueuePair, ids?: readonly string[]): Promise<number> {
  const jobs = ids ? await Promise.all(ids.map((id) => pair.deadLetters.getJob(id))) : await listDeadLetters(pair);
  const present = jobs.filter((job): job is Job<DeadLetter> => Boolean(job));
  await Promise.all(present.map((job) => job.remove()));
  return present.length;
}
