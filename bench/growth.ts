import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { INBOX_BATCH, catalog, jobOptions, webhookTypes, type WebhookType } from '../packages/contracts/src/index';
import { fixture } from '../packages/contracts/src/fixtures';
import type { Pipeline } from './pipeline';
import { redisComposition, type KeyGroup } from './redis-composition';
import { sampleOnce, startSampler } from './sampler';
import { round } from './stats';
import { pollUntil } from './timing';

export interface GrowthResult {
  name: 'growth';
  events: number;
  /** Events the ledger had booked when the wait ended (all of them, unless the time limit cut the wait). */
  booked: number;
  /** Seconds from the first push until every event was booked and every queue was empty (null: limit hit). */
  drainS: number | null;
  eventsPerS: number;
  redis: { beforeMb: number; peakMb: number; afterMb: number; keysBefore: number; keysAfter: number };
  /** pg_total_relation_size over the bench schema's tables (tables, indexes, TOAST), and per booked event. */
  ledger: { totalMb: number; bytesPerEvent: number; rows: number };
  /** Redis keys by kind when the part ended (everything the whole run left, the end-to-end phases included). */
  keyGroups: KeyGroup[];
}

/** The most the ingress writes in one inbox batch (its producer's maxBatch), so kept batches are as large as live. */
export const GROWTH_BATCH = 256;
const mb = (bytes: number) => round(bytes / 1_048_576, 1);

/** An event as the ingress writes it into an inbox batch, with a payload made distinct by a sequence field. */
interface InboxEvent {
  deliveryId: string;
  type: WebhookType;
  receivedAt: string;
  payload: Record<string, unknown>;
}

function inboxEvents(from: number, count: number): InboxEvent[] {
  const receivedAt = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => {
    const type = webhookTypes[(from + i) % webhookTypes.length]!;
    const deliveryId = `${ID_PREFIX}${from + i}`;
    return { deliveryId, type, receivedAt, payload: { ...fixture(type), _herohooks_seq: deliveryId } };
  });
}

const ID_PREFIX = 'growth-';

/** Size of every table of the bench schema on disk, the events in it, and how many of them are this part's. */
async function ledgerSize(pipeline: Pipeline): Promise<{ bytes: number; events: number; growth: number }> {
  const { rows } = await pipeline.db.query<{ bytes: string; events: number; growth: number }>(
    `SELECT (SELECT sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)))
             FROM pg_tables WHERE schemaname = $1) AS bytes,
            count(*)::int AS events, (count(*) FILTER (WHERE starts_with(delivery_id, $2)))::int AS growth
     FROM events`,
    [pipeline.schema, ID_PREFIX],
  );
  return { bytes: Number(rows[0]!.bytes), events: rows[0]!.events, growth: rows[0]!.growth };
}

/**
 * Pushes `events` deliveries straight into the inbox, GROWTH_BATCH per batch job (the HTTP path is measured by
 * the e2e part) and lets the running pipeline work them off, bounded by `limitMs` from the first push. Redis
 * memory is read before, at its peak and after; the ledger's size on disk after.
 */
export async function benchGrowth(pipeline: Pipeline, events: number, limitMs: number): Promise<GrowthResult> {
  const before = await sampleOnce(pipeline.redis.url, pipeline.prefix);
  const connection = new Redis(pipeline.redis.url, { maxRetriesPerRequest: null });
  const inbox = new Queue(catalog.inbox.queue, { connection, prefix: pipeline.prefix });
  const sampler = startSampler(pipeline.redis.url, pipeline.prefix);
  const started = performance.now();
  try {
    for (let from = 0; from < events; from += GROWTH_BATCH) {
      const batch = inboxEvents(from, Math.min(GROWTH_BATCH, events - from));
      await inbox.add(INBOX_BATCH, { events: batch }, jobOptions(catalog.inbox, `${ID_PREFIX}batch-${from}`));
    }
    let booked = 0;
    const drained = await pollUntil(
      async () => {
        booked = (await ledgerSize(pipeline)).growth;
        return booked >= events && (sampler.samples.at(-1)?.backlog ?? 1) === 0;
      },
      limitMs - (performance.now() - started),
      500,
    );
    const seconds = (performance.now() - started) / 1000;
    const samples = await sampler.stop();
    const after = await sampleOnce(pipeline.redis.url, pipeline.prefix);
    const size = await ledgerSize(pipeline);
    const keyGroups = await redisComposition(pipeline.redis.url, pipeline.prefix);
    return {
      name: 'growth',
      events,
      booked,
      drainS: drained ? round(seconds, 1) : null,
      eventsPerS: Math.round(booked / seconds),
      redis: {
        beforeMb: mb(before.usedMemory),
        peakMb: mb(Math.max(...samples.map((s) => s.usedMemory))),
        afterMb: mb(after.usedMemory),
        keysBefore: before.keys,
        keysAfter: after.keys,
      },
      ledger: { totalMb: mb(size.bytes), bytesPerEvent: Math.round(size.bytes / size.events), rows: size.events },
      keyGroups,
    };
  } finally {
    await sampler.stop();
    await inbox.close();
    connection.disconnect();
  }
}
