import { catalog, jobOptions, type ClickBatchJob, type ClickBody, type ClickBucketKey } from '@herohooks/contracts';
import { PermanentError, type JobContext } from '@herohooks/worker-kit';
import type { Queue } from 'bullmq';
import { bucketKeyOf, type ClickBuckets } from './click-buckets';
import { failureOf, mayHaveBeenBooked } from './failures';
import { CLICK_PATH, type Sender } from './influencer-hero-api';

export interface ClickDeps {
  buckets: ClickBuckets;
  /** The tracking queue, for the one batch job per window. */
  queue: Queue;
  windowMs: number;
  sender: Sender;
}

export function batchJobId(window: string): string {
  return `click-batch-${window}`;
}

function describe(key: ClickBucketKey, clicks: number): string {
  const fields = Object.entries(key).map(([name, value]) => `${name}=${String(value)}`);
  return `${clicks} clicks for ${fields.join(' ')}`;
}

/**
 * A click job only adds its count to its bucket's open window and makes sure that window has a batch job. The
 * batch job is added on every click (BullMQ ignores an existing id), so a crash between the two steps heals
 * itself on the job's retry.
 */
export async function gatherClick(jobId: string, body: ClickBody, deps: ClickDeps, ctx: JobContext): Promise<void> {
  const { window, added } = await deps.buckets.add(jobId, body);
  const batch: ClickBatchJob = {
    kind: 'click_batch',
    id: batchJobId(window),
    receivedAt: new Date().toISOString(),
    body: bucketKeyOf(body),
    window,
  };
  await deps.queue.add(batch.kind, batch, { ...jobOptions(catalog.tracking, batch.id), delay: deps.windowMs });
  ctx.log.debug({ window, added }, 'click gathered');
}

/** The error a person sees in the dead letter: the exact count and key, and what to do. */
function uncertain(key: ClickBucketKey, clicks: number, why: string): PermanentError {
  return new PermanentError(
    `${describe(key, clicks)} may or may not have been counted (${why}); check Influencer Hero, then replay to send them again or purge`,
    { reason: 'uncertain' },
  );
}

/**
 * Sends one window's clicks in one call. Clicks are additive on the platform, so a call whose outcome is unknown
 * is never repeated: it is dead-lettered as `uncertain`. Only a call that certainly booked nothing is retried.
 */
export async function sendClickBatch(job: ClickBatchJob, instance: string, deps: ClickDeps, ctx: JobContext): Promise<void> {
  const { state, clicks } = await deps.buckets.claim(job.body, job.window, instance);
  if (state === 'sent' || state === 'missing') {
    ctx.log.info({ window: job.window, state }, 'click window has nothing left to send');
    return;
  }
  if (state === 'uncertain') throw uncertain(job.body, clicks, 'an earlier send was interrupted');

  const outcome = await deps.sender(CLICK_PATH, { ...job.body, increase_clicks: clicks }, ctx.log);
  if (outcome.kind === 'accepted') {
    await deps.buckets.settle(job.window, 'sent');
    return;
  }
  if (mayHaveBeenBooked(outcome)) {
    await deps.buckets.settle(job.window, 'uncertain');
    throw uncertain(job.body, clicks, 'status' in outcome ? `HTTP ${outcome.status}` : outcome.cause);
  }
  await deps.buckets.settle(job.window, 'pending');
  throw failureOf(outcome);
}
