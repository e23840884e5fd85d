import type { Queryable } from './db';

/** Which of these delivery ids the ledger holds an event of (booked, whether by this job or an earlier run). */
export async function bookedAmong(db: Queryable, deliveryIds: readonly string[]): Promise<Set<string>> {
  if (deliveryIds.length === 0) return new Set();
  const rows = await db.query<{ delivery_id: string }>('SELECT delivery_id FROM events WHERE delivery_id = ANY($1)', [
    deliveryIds,
  ]);
  return new Set(rows.map((row) => row.delivery_id));
}
