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

/** A column's SQL type, as format_type names it (numeric, timestamp with time zone, jsonb, …). */
type ColumnType = (table: string, column: string) => string;

const columnTypesOf = new WeakMap<LedgerDb, Promise<Map<string, string>>>();

/**
 * The column types of the tables an unqualified name reaches on the search path, read once per database (the schema
 * is migrated before anything is booked; a column found missing throws and reads them again next time).
 */
async function columnTypes(db: LedgerDb): Promise<ColumnType> {
  let types = columnTypesOf.get(db);
  if (!types) {
    types = db
      .query<{ name: string; type: string }>(
        `SELECT c.relname || '.' || a.attname AS name, format_type(a.atttypid, NULL) AS type
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         WHERE pg_table_is_visible(c.oid) AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`,
      )
      .then((rows) => new Map(rows.map((row) => [row.name, row.type])));
    types.catch(() => columnTypesOf.delete(db));
    columnTypesOf.set(db, types);
  }
  const known = await types;
  return (table, column) => {
    const type = known.get(`${table}.${column}`);
    if (type !== undefined) return type;
    columnTypesOf.delete(db);
    throw new Error(`the ledger has no column ${table}.${column}`);
  };
}

interface Statement {
  sql: string;
  params: SqlValue[];
}

/**
 * ONE statement that books `plans`: it inserts the event-log rows (ON CONFLICT DO NOTHING, so a delivery already in
 * the ledger writes nothing) and, in data-modifying CTEs, the projection rows of the deliveries that were new; it
 * returns those delivery ids. One statement is atomic by itself and costs one round trip instead of a transaction's
 * BEGIN, one INSERT per table and COMMIT. Values go as text, each cast to its column's type.
 */
function bookingStatement(plans: readonly BookingPlan[], typeOf: ColumnType): Statement {
  const params: SqlValue[] = [];
  const values = (group: RowGroup) =>
    group.values
      .map((row) => {
        const cells = row.map((value, c) => {
          params.push(value);
          return `$${params.length}::${typeOf(group.table, group.columns[c]!)}`;
        });
        return `(${cells.join(', ')})`;
      })
      .join(', ');
  const [events] = groupRows(plans.map((plan) => [plan.deliveryId, plan.rows[0]!] as const));
  // Groups keep first-seen order, so a parent table (product_shipments) comes before its children.
  const projected = groupRows(plans.flatMap((plan) => plan.rows.slice(1).map((row) => [plan.deliveryId, row] as const)));
  const ctes = [
    `logged AS (INSERT INTO events (${events!.columns.join(', ')}) VALUES ${values(events!)}
     ON CONFLICT DO NOTHING RETURNING delivery_id)`,
    ...projected.map((group, n) => {
      const columns = group.columns.join(', ');
      return `p${n} AS (INSERT INTO ${group.table} (${columns}) SELECT * FROM (VALUES ${values(group)}) AS v (${columns})
       WHERE v.delivery_id IN (SELECT delivery_id FROM logged) ON CONFLICT DO NOTHING)`;
    }),
  ];
  return { sql: `WITH ${ctes.join(',\n')}\nSELECT delivery_id FROM logged`, params };
}

/**
 * INSERT … VALUES (…), (…) ON CONFLICT DO NOTHING in chunks of at most MAX_PARAMETERS (a bind message carries no
 * more); returns the delivery ids it wrote. For a batch too large for one booking statement.
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

/** The same booking as bookingStatement's, as a transaction of chunked INSERTs: event-log rows first. */
async function bookInChunks(tx: Queryable, plans: readonly BookingPlan[]): Promise<Set<string>> {
  const [events] = groupRows(plans.map((plan) => [plan.deliveryId, plan.rows[0]!] as const));
  const written = new Set(await insertRows(tx, events!));
  const projected = plans
    .filter((plan) => written.has(plan.deliveryId))
    .flatMap((plan) => plan.rows.slice(1).map((row) => [plan.deliveryId, row] as const));
  for (const group of groupRows(projected)) await insertRows(tx, group);
  return written;
}

/**
 * Writes planned events atomically: first every event-log row, then the projection rows of the events that were
 * new. A delivery id already in the ledger, or earlier in the same batch, books nothing. One statement when the batch
 * fits one bind message (65,535 parameters), else one transaction of chunked INSERTs.
 */
export async function writePlans(db: LedgerDb, plans: readonly BookingPlan[]): Promise<BookResult[]> {
  if (plans.length === 0) return [];
  const first = new Map<string, BookingPlan>();
  for (const plan of plans) if (!first.has(plan.deliveryId)) first.set(plan.deliveryId, plan);
  // One lock order for every batch: two batches sharing delivery ids wait for each other instead of deadlocking.
  const unique = [...first.values()].sort((a, b) => (a.deliveryId < b.deliveryId ? -1 : a.deliveryId > b.deliveryId ? 1 : 0));
  try {
    const { sql, params } = bookingStatement(unique, await columnTypes(db));
    const logged =
      params.length <= MAX_PARAMETERS
        ? new Set((await db.query<{ delivery_id: string }>(sql, params)).map((row) => row.delivery_id))
        : await db.transaction((tx) => bookInChunks(tx, unique));
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
