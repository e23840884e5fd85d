import { catalog, jobOptions, type ConsumerName, type WebhookEvent } from '@herohooks/contracts';
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

/**
 * Real dead letters the way production makes them: the consumer's worker runs a handler that fails
 * permanently, so each job is failed in its queue and lands in the consumer's dead-letter queue.
 */
export async function makeDeadLetters(
  prefix: string,
  consumer: WebhookConsumer,
  deliveryIds: readonly string[],
  reason = 'test_failure',
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
    const events = deliveryIds.map(sampleEvent);
    await pair.source.addBulk(
      events.map((event) => ({ name: event.type, data: event, opts: jobOptions(catalog[consumer], event.deliveryId) })),
    );
    await waitFor(async () => (await pair.deadLetters.getWaitingCount()) >= deliveryIds.length, {
      label: `${deliveryIds.length} dead letters in ${catalog[consumer].deadLetterQueue}`,
    });
  } finally {
    await running.close();
    await pair.close();
    redis.disconnect();
  }
}
