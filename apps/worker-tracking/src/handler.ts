import { catalog, type TrackingQueueJob } from '@herohooks/contracts';
import type { ConsumerHandler, JobContext } from '@herohooks/worker-kit';
import { Queue } from 'bullmq';
import { ClickBuckets } from './click-buckets';
import { gatherClick, sendClickBatch, type ClickDeps } from './clicks';
import { dryRunSender, httpSender, type ApiSettings } from './influencer-hero-api';
import { sendReferral } from './referrals';

export interface TrackingConfig {
  api: ApiSettings;
  /** Sent as order_platform with every referral: the platform de-duplicates per (order_platform, order_id). */
  orderPlatform: string;
  clickWindowMs: number;
}

/** Clicks are gathered into windows and sent once per window; referrals are sent one per job. */
export function createTrackingHandler(config: TrackingConfig): ConsumerHandler<TrackingQueueJob> {
  let clickState: Omit<ClickDeps, 'sender'> | undefined;
  const live = httpSender(config.api);
  const dryRun = dryRunSender(config.api);

  // Built on first use from the kit's connection, so the click state shares the queue's prefix and Redis.
  function clickStateFor(ctx: JobContext): Omit<ClickDeps, 'sender'> {
    clickState ??= {
      buckets: new ClickBuckets(ctx.redis, ctx.prefix),
      // A connection of the queue's own: ctx.redis auto-pipelines, which BullMQ is not made for.
      queue: new Queue(catalog.tracking.queue, {
        connection: { ...ctx.redis.options, enableAutoPipelining: false },
        prefix: ctx.prefix,
      }),
      windowMs: config.clickWindowMs,
    };
    return clickState;
  }

  return {
    consumer: 'tracking',
    idempotency: 'done-mark',
    async handle(job, ctx) {
      const sender = ctx.dryRun ? dryRun : live;
      switch (job.kind) {
        case 'referral':
          return sendReferral(job.body, config.orderPlatform, sender, ctx);
        case 'click':
          return gatherClick(ctx.deliveryId, job.body, { ...clickStateFor(ctx), sender }, ctx);
        case 'click_batch': {
          const deps = { ...clickStateFor(ctx), sender };
          // The job's enqueue time tells a redelivery of this job (same) from a replay of its dead letter (new).
          const instance = String((await deps.queue.getJob(ctx.deliveryId))?.timestamp ?? 'unknown');
          return sendClickBatch(job, instance, deps, ctx);
        }
      }
    },
    async close() {
      await clickState?.queue.close();
    },
  };
}
