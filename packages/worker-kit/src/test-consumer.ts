import { catalog, jobOptions } from '@herohooks/contracts';
import { fixture } from '@herohooks/contracts/fixtures';
import { createLogger } from '@herohooks/runtime';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { Queue } from 'bullmq';
import { startConsumer, type RunningConsumer } from './consumer';
import type { ConsumerHandler, ConsumerOptions } from './types';

/** For the kit's tests: a consumer of the slack queue under a fresh prefix, and what they need around it. */
export const logger = createLogger('test', 'silent');
const payload = fixture('new_payout_request') as Record<string, unknown>;
export const event = (deliveryId: string) => ({
  deliveryId,
  type: 'new_payout_request',
  receivedAt: new Date().toISOString(),
  payload,
});
export const fastRetry = {
  ...catalog.slack,
  retry: { attempts: 3, backoff: { type: 'exponential', delay: 10, jitter: 0 } },
} as typeof catalog.slack;

/** The current test's prefix, source queue and running consumer (afterEach(cleanup) closes them). */
export const kit = { prefix: '', queue: undefined as unknown as Queue, running: undefined as RunningConsumer | undefined };

/** A fresh prefix and the slack queue under it, without a consumer (for jobs that must be there first). */
export function prepare(): void {
  kit.prefix = uniquePrefix('kit');
  kit.queue = new Queue(catalog.slack.queue, { connection: { url: testRedisUrl() }, prefix: kit.prefix });
}

export async function start(
  handle: ConsumerHandler['handle'],
  idempotency: ConsumerHandler['idempotency'] = 'done-mark',
  options: Partial<ConsumerOptions> = {},
): Promise<void> {
  prepare();
  kit.running = await startConsumer(
    { consumer: 'slack', idempotency, handle },
    {
      redisUrl: testRedisUrl(),
      prefix: kit.prefix,
      concurrency: 4,
      logger,
      metricsPort: 0,
      shutdownDeadlineMs: 2_000,
      ...options,
    },
  );
}

export const add = (id: string, data: unknown = event(id)) =>
  kit.queue.add('new_payout_request', data, jobOptions(fastRetry, id));

export async function cleanup(): Promise<void> {
  await kit.running?.close();
  await kit.queue?.close();
  kit.running = undefined;
  await dropPrefix(kit.prefix);
}
