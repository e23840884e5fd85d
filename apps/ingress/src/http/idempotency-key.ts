import { createHash, randomUUID } from 'node:crypto';
import { InvalidHeaderError } from './errors';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

// 1–255 visible ASCII characters, taken as sent (quotes included): a sender's request id, a UUID, a hash.
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The id of a tracking job. Without an Idempotency-Key it is new for every request. With one it is derived from the
 * key (and the kind, so a click and a referral never share one): a retry of a request whose answer was lost (a
 * timeout, a 503 after the write landed) gets the same id, and BullMQ keeps one job per id while it holds it, and
 * the worker counts a click id once for 7 days (its `clicks:seen` mark). The key is hashed, so what a sender puts in
 * it never reaches a Redis key or a log line.
 */
export function trackingJobId(kind: string, idempotencyKey: string | string[] | undefined): string {
  if (idempotencyKey === undefined) return randomUUID();
  if (typeof idempotencyKey !== 'string' || !VALID_KEY.test(idempotencyKey)) {
    throw new InvalidHeaderError(
      'bad_idempotency_key',
      'Idempotency-Key must be sent once, as 1 to 255 visible ASCII characters.',
    );
  }
  return `${kind}-${createHash('sha256').update(idempotencyKey).digest('hex')}`;
}
