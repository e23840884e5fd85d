import { batchItems, stringFieldOf } from '@herohooks/contracts';
import type { Job } from 'bullmq';

/** One unit of work in a job: the job itself, or one event of a batch job. */
export interface JobItem {
  /** The delivery id: the event's own for a batched consumer (whatever job holds it), otherwise the job id. */
  id: string;
  /** Webhook type (metrics, logs, dead letters): the job name of a bare job, the event's type of a batch event. */
  name: string;
  data: unknown;
  /** When the job holding it was added. */
  timestamp: number;
}

/**
 * The items of a job: the events of a batch job when the consumer is batched, otherwise the job as one item. An
 * event without a readable delivery id (it will fail the schema and be dead-lettered) is named after its batch and
 * position so that its dead letter has an id of its own.
 */
export function jobItems(job: Job, batched: boolean): { items: JobItem[]; batch: boolean } {
  const events = batched ? batchItems(job.data) : undefined;
  if (!events) {
    // A bare event of a batched consumer: a replayed dead letter (job id = delivery id) or an event of a batch that
    // continues alone (job id = batch id + delivery id).
    const id = (batched && stringFieldOf(job.data, 'deliveryId')) || job.id!;
    return { items: [{ id, name: job.name, data: job.data, timestamp: job.timestamp }], batch: false };
  }
  const items = events.map((data, index) => ({
    id: stringFieldOf(data, 'deliveryId') ?? `${job.id!}-event-${index}`,
    name: stringFieldOf(data, 'type') ?? job.name,
    data,
    timestamp: job.timestamp,
  }));
  return { items, batch: true };
}

/** How one item's run ended; the job is settled from the outcomes of all its items. */
export type ItemOutcome =
  | { kind: 'done' }
  | { kind: 'dead_lettered'; error: Error }
  | { kind: 'retry'; error: Error }
  | { kind: 'deferred'; delayMs: number }
  | { kind: 'rate_limited'; delayMs: number };
