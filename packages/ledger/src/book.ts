import type { WebhookEvent } from '@herohooks/contracts';
import type { LedgerDb, Queryable } from './db';
import { UnbookableEventError } from './errors';
import { planBooking, type BookingPlan } from './plan';
import type { ProjectionRow, SqlValue } from './projections';

export interface BookResult {
  /** false when this delivery was already in the ledger (a redelivery or replay): nothing was written. */
  booked: boolean;
}

// SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation): the data is wrong, not the database.
const DATA_ERROR = /^2[23][0-9A-Z]{3}$/;
// A bind message carries at most 65 535 parameters; a longer batch is split into several statements.
const MAX_PARAMETERS = 65_535;

/** Rows of one table with the same columns: one multi-row INSERT. */
interface RowGroup {
  table: string;
  columns: string[];
  values: SqlValue[][];
}

function groupRows(rows: ReadonlyArray<readonly [deliveryId: string, row: ProjectionRow]>): RowGroup[] {
  const groups = new Map<string, RowGroup>();
  for (const [deliveryId, row] of rows) {
    const columns = ['delivery_id', ...Object.keys(row.values)];
    const key = `${row.table}(${columns.join(',')})`;
    const group = groups.get(key) ?? { table: row.table, columns, values: [] };
    groups.set(key, group);
    group.values.push([deliveryId, ...Object.values(row.values)]);
  }
  return [...groups.values()];
}

/**
 * INSERT … VALUES (…), (…) ON CONFLICT DO NOTHING; returns the delivery ids it wrote. Values go as text and
 * PostgreSQL casts them to the columns' types.
 */
async function insertRows(tx: Queryable, group: RowGroup): Promise<string[]> {
  const width = group.columns.length;
  const perStatement = Math.floor(MAX_PARAMETERS / width);
  const written: string[] = [];
  for (let start = 0; start < group.values.length; start += perStatement) {
    const chunk = group.values.slice(start, start + perStatement);
    const tuples = chunk.map((row, r) => `(${row.map((_, c) => `$${r * width + c + 1}`).join(', ')})`);
    const rows = await tx.query<{ delivery_id: string }>(
      `INSERT INTO ${group.table} (${group.columns.join(', ')}) VALUES ${tuples.join(', ')}
       ON CONFLICT DO NOTHING RETURNING delivery_id`,
      chunk.flat(),
    );
    for (const row of rows) written.push(row.delivery_id);
  }
  return written;
}

/**
 * Writes planned events in ONE transaction: first every event-log row, then the projection rows of the events that
 * were new. A delivery id already in the ledger, or earlier in the same batch, books nothing.
 */
export async function writePlans(db: LedgerDb, plans: readonly BookingPlan[]): Promise<BookResult[]> {
  if (plans.length === 0) return [];
  const first = new Map<string, BookingPlan>();
  for (const plan of plans) if (!first.has(plan.deliveryId)) first.set(plan.deliveryId, plan);
  // One lock order for every batch: two batches sharing delivery ids wait for each other instead of deadlocking.
  const unique = [...first.values()].sort((a, b) => (a.deliveryId < b.deliveryId ? -1 : a.deliveryId > b.deliveryId ? 1 : 0));
  try {
    const logged = await db.transaction(async (tx) => {
      const [events] = groupRows(unique.map((plan) => [plan.deliveryId, plan.rows[0]!] as const));
      const written = new Set(await insertRows(tx, events!));
      const projected = unique
        .filter((plan) => written.has(plan.deliveryId))
        .flatMap((plan) => plan.rows.slice(1).map((row) => [plan.deliveryId, row] as const));
      // Groups keep first-seen order, so a parent table (product_shipments) comes before its children.
      for (const group of groupRows(projected)) await insertRows(tx, group);
      return written;
    });
    return plans.map((plan) => ({ booked: first.get(plan.deliveryId) === plan && logged.has(plan.deliveryId) }));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && DATA_ERROR.test(code)) {
      const what = plans.length === 1 ? 'this event' : 'an event of this batch';
      throw new UnbookableEventError(`sql_${code}`, `the database refused the values of ${what}`, { cause: error });
    }
    throw error;
  }
}

/**
 * Books many webhook events in ONE transaction, all or nothing: each event's log row and projection rows. A delivery
 * already in the ledger (or twice in `events`) is booked once; the unique delivery_id decides, also between
 * concurrent workers. An event that can never be booked throws UnbookableEventError and nothing is written; any
 * other error (database down) is worth a retry. Results are in the order of `events`.
 */
export async function bookEvents(db: LedgerDb, events: readonly WebhookEvent[]): Promise<BookResult[]> {
  return writePlans(db, events.map(planBooking));
}

/** Books one webhook event in one transaction (see bookEvents). */
export async function bookEvent(db: LedgerDb, event: WebhookEvent): Promise<BookResult> {
  const [result] = await bookEvents(db, [event]);
  return result!;
}
