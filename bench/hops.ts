import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { catalog, type WebhookEvent } from '../packages/contracts/src/index';
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
 * Reads the completed ledger jobs the catalog retains (the last 1,000) and keeps those of this phase's deliveries:
 * the phase's last deliveries, so a sample of its steady state rather than all of it.
 */
export async function ledgerHops(pipeline: Pipeline, deliveryIds: ReadonlySet<string>): Promise<LedgerHops> {
  const connection = new Redis(pipeline.redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(catalog.ledger.queue, { connection, prefix: pipeline.prefix });
  try {
    const jobs = (await queue.getJobs(['completed'], 0, 999)).filter((job) => deliveryIds.has(job.id!));
    const received = (data: WebhookEvent) => Date.parse(data.receivedAt);
    return {
      routed: spread(jobs.map((job) => job.timestamp - received(job.data as WebhookEvent))),
      waited: spread(jobs.map((job) => job.processedOn! - job.timestamp)),
      handled: spread(jobs.map((job) => job.finishedOn! - job.processedOn!)),
    };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
