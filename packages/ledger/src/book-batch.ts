import type { WebhookEvent } from '@herohooks/contracts';
import { writePlans, type BookResult } from './book';
import type { LedgerDb } from './db';
import { UnbookableEventError } from './errors';
import { planBooking, type BookingPlan } from './plan';

/** One event's fate in a batch: booked (or already there), or the error its job fails with. */
export type BookOutcome = PromiseSettledResult<BookResult>;

const settled = (promise: Promise<BookResult>): Promise<BookOutcome> =>
  promise.then(
    (value) => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason }),
  );

/**
 * Books the events of many jobs together: one transaction when all of them can be booked. When the database refuses
 * a value it does not say whose, so the events are then booked one by one and only the bad one fails
 * (UnbookableEventError); the good ones still commit. Each event stays all-or-nothing and gets its own outcome, in
 * the order of `events`. Throws when the batch failed for any other reason (database down): retry them all.
 */
export async function bookBatch(db: LedgerDb, events: readonly WebhookEvent[]): Promise<BookOutcome[]> {
  const outcomes: BookOutcome[] = new Array(events.length);
  const planned: Array<{ index: number; plan: BookingPlan }> = [];
  events.forEach((event, index) => {
    try {
      planned.push({ index, plan: planBooking(event) });
    } catch (reason) {
      outcomes[index] = { status: 'rejected', reason };
    }
  });
  try {
    const results = await writePlans(db, planned.map((p) => p.plan));
    planned.forEach(({ index }, n) => {
      outcomes[index] = { status: 'fulfilled', value: results[n]! };
    });
  } catch (error) {
    if (!(error instanceof UnbookableEventError)) throw error;
    if (planned.length === 1) {
      outcomes[planned[0]!.index] = { status: 'rejected', reason: error };
      return outcomes;
    }
    for (const { index, plan } of planned) {
      outcomes[index] = await settled(writePlans(db, [plan]).then(([result]) => result!));
    }
  }
  return outcomes;
}
