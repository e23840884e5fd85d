import type { WebhookEvent } from '@herohooks/contracts';
import { bookEvent, type LedgerDb } from '@herohooks/ledger';
import type { ConsumerHandler } from '@herohooks/worker-kit';

/**
 * The ledger consumer: books each event in one transaction. Idempotent by itself (unique delivery ids), so the kit
 * keeps no done-marks. A payload that can never be booked throws UnbookableEventError (dead letter); a database
 * outage throws an ordinary error, retried with the catalog's backoff until the database is back.
 */
export function ledgerHandler(db: LedgerDb): ConsumerHandler<WebhookEvent> {
  return {
    consumer: 'ledger',
    idempotency: 'handler',
    async handle(event, ctx) {
      const { booked } = await bookEvent(db, event);
      if (!booked) ctx.log.info('already in the ledger; nothing booked');
    },
    close: () => db.close(),
  };
}
