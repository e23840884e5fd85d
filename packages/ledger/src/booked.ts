import type { Queryable } from './db';

const BOOKED_SQL = 'SELECT delivery_id FROM events WHERE delivery_id = ANY($1)';

/** Which of these delivery ids the ledger holds a committed event of (booked by this job or an earlier run). */
export async function bookedAmong(db: Queryable, deliveryIds: readonly string[]): Promise<Set<string>> {
  if (deliveryIds.length === 0) return new Set();
  const rows = await db.query<{ delivery_id: string }>(BOOKED_SQL, [deliveryIds]);
  return new Set(rows.map((row) => row.delivery_id));
}
