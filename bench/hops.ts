import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { catalog, inboxEvents, type InboxJob } from '../packages/contracts/src/index';
import type { Pipeline } from './pipeline';
import { spread, type Spread } from './stats';

/** Where an accepted delivery's time goes on its way to the ledger, from the ledger jobs BullMQ keeps. */
export interface LedgerHops {
  /** receivedAt (ingress) → the ledger job added by the router. */
  routed: Spread;
  /** Added → taken by worker-ledger. */
  waited: Spread;
  /** Taken → completed (its batch booked and committed). */
  handled: Spread;
}

/**
 * Reads the completed ledger batch jobs the catalog retains (the last 100) and keeps the events of this phase's
 * deliveries: the phase's last deliveries, so a sample of its steady state rather than all of it.
 */
export async function ledgerHops(pipeline: Pipeline, deliveryIds: ReadonlySet<string>): Promise<LedgerHops> {
  const connection = new Redis(pipeline.redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(catalog.ledger.queue, { connection, prefix: pipeline.prefix });
  try {
    const jobs = await queue.getJobs(['completed'], 0, catalog.ledger.keepCompleted - 1);
    // One figure per delivery: a batch job's times count once for each of its events.
    const events = jobs.flatMap((job) =>
      inboxEvents(job.data as InboxJob)
        .filter((event) => deliveryIds.has(event.deliveryId))
        .map((event) => ({ job, received: Date.parse(event.receivedAt) })),
    );
    return {
      routed: spread(events.map(({ job, received }) => job.timestamp - received)),
      waited: spread(events.map(({ job }) => job.processedOn! - job.timestamp)),
      handled: spread(events.map(({ job }) => job.finishedOn! - job.processedOn!)),
    };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
