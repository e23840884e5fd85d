import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { WebhookType } from '@herohooks/contracts';
import { stringify } from 'csv-stringify';
import type { LedgerDb, Row, ScanQuery } from './db';
import { projections } from './projections';

export interface ExportOptions {
  format: 'csv' | 'json';
  /** Only this webhook type: its projection's rows when it has one, else its event-log rows. */
  type?: WebhookType;
  /** Only rows received at or after this instant. */
  since?: Date;
}

const eventColumns = ['delivery_id', 'type', 'received_at', 'booked_at', 'deal_id', 'collab_id', 'payload'];

// Line items travel inside their shipment's row so one shipment stays one row.
const childColumns: Record<string, string> = {
  product_shipments: `(SELECT coalesce(jsonb_agg(jsonb_build_object('line_no', i.line_no, 'variant_id', i.variant_id::text,
    'quantity', i.quantity, 'variant_name', i.variant_name) ORDER BY i.line_no), '[]'::jsonb)
    FROM product_shipment_items i WHERE i.delivery_id = p.delivery_id) AS line_items`,
};

function exportQuery(options: ExportOptions): { columns: string[]; scan: ScanQuery } {
  const projection = options.type ? projections[options.type] : undefined;
  const where: string[] = [];
  const params: unknown[] = [];
  const filter = (condition: (placeholder: string) => string, value: unknown) => {
    params.push(value);
    where.push(condition(`$${params.length}`));
  };
  if (options.since) filter((p) => `p.received_at >= ${p}`, options.since.toISOString());
  if (!projection) {
    if (options.type) filter((p) => `p.type = ${p}`, options.type);
    return {
      columns: eventColumns,
      scan: { select: eventColumns.map((c) => `p.${c}`).join(', '), from: 'events p', where, params, key: 'p.id' },
    };
  }
  const own = ['delivery_id', 'received_at', ...projection.columns];
  const child = childColumns[projection.table];
  return {
    columns: child ? [...own, 'line_items'] : own,
    scan: {
      select: [...own.map((c) => `p.${c}`), ...(child ? [child] : [])].join(', '),
      from: `${projection.table} p`,
      where,
      params,
      key: 'p.id',
    },
  };
}

/** JSON-safe values: instants as ISO strings; numeric stays the exact string the database gave. */
function plain(row: Row): Row {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}

async function* jsonArray(rows: AsyncIterable<Row>): AsyncIterable<string> {
  let first = true;
  for await (const row of rows) {
    yield `${first ? '[\n' : ',\n'}${JSON.stringify(plain(row))}`;
    first = false;
  }
  yield first ? '[]\n' : '\n]\n';
}

/**
 * Streams ledger rows to `out` as CSV (header row, objects as JSON text) or as one JSON array (one row per line),
 * ordered by booking. Rows are read in pieces and written with backpressure: memory stays flat for any size.
 * `out` is left open (it may be stdout).
 */
export async function exportLedger(db: LedgerDb, options: ExportOptions, out: NodeJS.WritableStream): Promise<void> {
  const { columns, scan } = exportQuery(options);
  const rows = db.scan(scan);
  const source =
    options.format === 'csv'
      ? Readable.from(rows).pipe(
          stringify({
            header: true,
            columns,
            cast: { date: (d) => d.toISOString(), object: (o) => JSON.stringify(o), boolean: (b) => String(b) },
          }),
        )
      : Readable.from(jsonArray(rows));
  await pipeline(source, out, { end: false });
}
