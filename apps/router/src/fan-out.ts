import {
  catalog,
  claimedOf,
  dedupClaimKey,
  firstCopies,
  jobOptions,
  type InboxBatch,
  type InboxDelivery,
} from '@herohooks/contracts';
import type { ConsumerHandler } from '@herohooks/worker-kit';
import type { FlowProducer } from 'bullmq';
import type { Redis } from 'ioredis';
import { consumersFor, type RoutingTable } from './routing';

/** A closing FlowProducer wrote nothing: the batch fails and is retried rather than completed without a fan-out. */
export class FanOutNotWrittenError extends Error {
  override readonly name = 'FanOutNotWrittenError';

  constructor() {
    super('the fan-out was not written: the router is shutting down');
  }
}

async function firstCopiesOf(redis: Redis, prefix: string, deliveries: InboxDelivery[]): Promise<InboxDelivery[]> {
  const claimed = claimedOf(deliveries);
  if (claimed.length === 0) return deliveries;
  return firstCopies(deliveries, await redis.mget(claimed.map((d) => dedupClaimKey(prefix, d.dedupId!))));
}

/**
 * Fans each inbox batch out to every subscribed consumer queue with one FlowProducer.addBulk, which is one MULTI:
 * every consumer gets every event of the batch or none does. Each job's id is the delivery id, so a retried fan-out
 * (router crashed after the write, before completing the inbox job) adds nothing twice while the jobs are kept.
 */
export function fanOutHandler(flows: FlowProducer, table: RoutingTable): ConsumerHandler<InboxBatch> {
  return {
    consumer: 'inbox',
    idempotency: 'handler',
    async handle(batch, ctx) {
      const jobs = (await firstCopiesOf(ctx.redis, ctx.prefix, batch.deliveries)).flatMap(({ event }) =>
        consumersFor(table, event.type).map((consumer) => ({
          name: event.type,
          queueName: catalog[consumer].queue,
          data: event,
          opts: jobOptions(catalog[consumer], event.deliveryId),
        })),
      );
      if (jobs.length === 0) {
        ctx.log.info('no consumer subscribes to these deliveries');
        return;
      }
      if (!(await flows.addBulk(jobs))) throw new FanOutNotWrittenError();
    },
    async close() {
      await flows.close();
    },
  };
}
