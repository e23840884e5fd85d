import { isWebhookType, type WebhookEvent } from '@herohooks/contracts';
import { UnbookableEventError } from './errors';
import { isObject, text, type JsonObject } from './fields';
import { projections, type ProjectionRow } from './projections';

/** Everything to write for one event: its event-log row, then its projection rows (a parent before its children). */
export interface BookingPlan {
  deliveryId: string;
  rows: ProjectionRow[];
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function receivedAt(value: unknown): string {
  const instant = typeof value === 'string' && ISO_INSTANT.test(value) ? new Date(value) : null;
  if (!instant || Number.isNaN(instant.getTime())) {
    throw new UnbookableEventError('invalid_event', 'receivedAt must be an ISO-8601 instant');
  }
  return instant.toISOString();
}

/** The rows of one event, computed before any transaction so a bad payload writes nothing. */
export function planBooking(event: WebhookEvent): BookingPlan {
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
  const rows = projection
    ? [
        eventRow,
        { table: projection.table, values: { received_at: received, ...projection.row(payload) } },
        ...(projection.children?.(payload) ?? []),
      ]
    : [eventRow];
  return { deliveryId: candidate.deliveryId, rows };
}
