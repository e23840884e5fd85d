import type { WebhookEvent } from '@herohooks/contracts';
import { bookBatch, bookedAmong, type BookOutcome, type LedgerDb } from '@herohooks/ledger';
import { createBatcher } from '@herohooks/runtime';
import type { ConsumerHandler } from '@herohooks/worker-kit';

export interface LedgerHandlerOptions {
  /** Most events booked in one transaction (LEDGER_BATCH_MAX). */
  batchMax?: number;
  /** Batch transactions at once; more jobs wait and join the next batch (the pool size). */
  batchesInFlight?: number;
}

/**
 * The ledger consumer. Each job hands its event to a batcher that books the events of the jobs running together in
 * one transaction, and the job completes only once that transaction committed. Idempotent by itself (unique
 * delivery ids), so the kit keeps no done-marks. An event that can never be booked fails alone with
 * UnbookableEventError (dead letter); a database outage fails every job of the batch with an ordinary error, retried
 * with the catalog's backoff until the database is back.
 */
export function ledgerHandler(db: LedgerDb, options: LedgerHandlerOptions = {}): ConsumerHandler<WebhookEvent> {
  const batcher = createBatcher<WebhookEvent, BookOutcome>({
    maxBatch: options.batchMax ?? 64,
    maxInFlight: options.batchesInFlight ?? 4,
    write: (events) => bookBatch(db, events),
  });
  return {
    consumer: 'ledger',
    idempotency: 'handler',
    async handle(event, ctx) {
      const outcome = await batcher.push(event);
      if (outcome.status === 'rejected') throw outcome.reason;
      if (!outcome.value.booked) ctx.log.info('already in the ledger; nothing booked');
    },
    handledAmong: (deliveryIds) => bookedAmong(db, deliveryIds),
    async close() {
      await batcher.drain();
      await db.close();
    },
  };
}
