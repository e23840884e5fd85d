import {
  INBOX_BATCH,
  catalog,
  jobOptions,
  type ConsumerName,
  type InboxBatch,
  type WebhookEvent,
} from '@herohooks/contracts';
import { fixture } from '@herohooks/contracts/fixtures';
import { createLogger } from '@herohooks/runtime';
import { PermanentError, openQueuePair, startConsumer } from '@herohooks/worker-kit';
import { Redis } from 'ioredis';
import { testRedisUrl } from './redis';
import { waitFor } from './wait';

/** Consumers whose jobs are webhook events. */
export type WebhookConsumer = Exclude<ConsumerName, 'tracking' | 'alerts'>;

export function sampleEvent(deliveryId: string): WebhookEvent<'new_payout_request'> {
  return {
    deliveryId,
    type: 'new_payout_request',
    receivedAt: new Date().toISOString(),
    payload: fixture('new_payout_request'),
  };
}

/** A job as it is written to a consumer queue. */
interface SourceJob {
  name: string;
  data: unknown;
  id: string;
}

/**
 * Real dead letters the way production makes them: the consumer's worker runs a handler that fails
 * permanently, so each job is failed in its queue and lands in the consumer's dead-letter queue.
 */
async function failPermanently(
  prefix: string,
  consumer: WebhookConsumer,
  jobs: readonly SourceJob[],
  reason: string,
): Promise<void> {
  const running = await startConsumer(
    {
      consumer,
      idempotency: 'handler',
      handle: async () => {
        throw new PermanentError('the test handler always fails', { reason });
      },
    },
    { redisUrl: testRedisUrl(), prefix, concurrency: 4, logger: createLogger('test', 'silent') },
  );
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const pair = openQueuePair(consumer, redis, prefix);
  try {
    await pair.source.addBulk(
      jobs.map((job) => ({ name: job.name, data: job.data, opts: jobOptions(catalog[consumer], job.id) })),
    );
    await waitFor(async () => (await pair.deadLetters.getWaitingCount()) >= jobs.length, {
      label: `${jobs.length} dead letters in ${catalog[consumer].deadLetterQueue}`,
    });
  } finally {
    await running.close();
    await pair.close();
    redis.disconnect();
  }
}

/** One dead letter per delivery id, each job holding one sample event (job id = delivery id). */
export async function makeDeadLetters(
  prefix: string,
  consumer: WebhookConsumer,
  deliveryIds: readonly string[],
  reason = 'test_failure',
): Promise<void> {
  const jobs = deliveryIds.map(sampleEvent).map((event) => ({ name: event.type, data: event, id: event.deliveryId }));
  await failPermanently(prefix, consumer, jobs, reason);
}

/** One inbox dead letter holding a batch as the ingress writes it: job id = the batch id, one sample event per id. */
export async function makeInboxBatchDeadLetter(
  prefix: string,
  batchId: string,
  deliveryIds: readonly string[],
  reason = 'test_failure',
): Promise<void> {
  const batch: InboxBatch = { events: deliveryIds.map(sampleEvent) };
  await failPermanently(prefix, 'inbox', [{ name: INBOX_BATCH, data: batch, id: batchId }], reason);
}
