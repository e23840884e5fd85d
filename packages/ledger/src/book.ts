import { isWebhookType, type WebhookEvent } from '@herohooks/contracts';
import type { LedgerDb, Queryable } from './db';
import { UnbookableEventError } from './errors';
import { isObject, text, type JsonObject } from './fields';
import { projections, type ProjectionRow } from './projections';

export interface BookResult {
  /** false when this delivery was already in the ledger (a redelivery or replay): nothing was written. */
  booked: boolean;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
// SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation): the data is wrong, not the database.
const DATA_ERROR = /^2[23][0-9A-Z]{3}$/;

function receivedAt(value: unknown): string {
  const instant = typeof value === 'string' && ISO_INSTANT.test(value) ? new Date(value) : null;
  if (!instant || Number.isNaN(instant.getTime())) {
    throw new UnbookableEventError('invalid_event', 'receivedAt must be an ISO-8601 instant');
  }
  return instant.toISOString();
}

/** Everything to write for one event, computed before the transaction so a bad payload writes nothing. */
function plan(event: WebhookEvent): { eventRow: ProjectionRow; projected: ProjectionRow[] } {
  const candidate = event as { deliveryId?: unknown; type?: unknown; payload?: unknown };
  if (typeof candidate.deliveryId !== 'string' || candidate.deliveryId === '') {
    throw new UnbookableEventError('invalid_event', 'deliveryId must be a non-empty string');
  }
  if (typeof candidate.type !== 'string' || !isWebhookType(candidate.type)) {
    throw new UnbookableEventError('unknown_type', 'type is not a known webhook type');
  }
  if (!isObject(candidate.payload)) throw new UnbookableEventError('invalid_event', 'payload must be a JSON object');
  const payload: JsonObject = candidate.payload;
  const received = receivedAt(event.receivedAt);
  const eventRow: ProjectionRow = {
    table: 'events',
    values: {
      type: event.type,
      received_at: received,
      deal_id: text(payload, 'deal_id', ''),
      collab_id: text(payload, 'collab_id', ''),
      payload: JSON.stringify(payload),
    },
  };
  const projection = projections[event.type];
  if (!projection) return { eventRow, projected: [] };
  return {
    eventRow,
    projected: [
      { table: projection.table, values: { received_at: received, ...projection.row(payload) } },
      ...(projection.children?.(payload) ?? []),
    ],
  };
}

/** INSERT … ON CONFLICT DO NOTHING; true when the row was written. Values go as text and PostgreSQL casts them. */
async function insert(tx: Queryable, deliveryId: string, row: ProjectionRow): Promise<boolean> {
  const columns = ['delivery_id', ...Object.keys(row.values)];
  const placeholders = columns.map((_, i) => `$${i + 1}`);
  const written = await tx.query(
    `INSERT INTO ${row.table} (${columns.join(', ')}) VALUES (${placeholders.join(', ')})
     ON CONFLICT DO NOTHING RETURNING 1 AS written`,
    [deliveryId, ...Object.values(row.values)],
  );
  return written.length === 1;
}

/**
 * Books one webhook event: its event-log row and its projection rows, in ONE transaction. A delivery already in
 * the ledger books nothing (the unique delivery_id decides, also between concurrent workers). A payload that can
 * never be booked throws UnbookableEventError and writes nothing; any other error (database down) is worth a retry.
 */
export async function bookEvent(db: LedgerDb, event: WebhookEvent): Promise<BookResult> {
  const { eventRow, projected } = plan(event);
  try {
    return await db.transaction(async (tx) => {
      if (!(await insert(tx, event.deliveryId, eventRow))) return { booked: false };
      for (const row of projected) await insert(tx, event.deliveryId, row);
      return { booked: true };
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && DATA_ERROR.test(code)) {
      throw new UnbookableEventError(`sql_${code}`, 'the database refused the values of this event', { cause: error });
    }
    throw error;
  }
}
