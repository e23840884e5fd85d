/** Used when a 429 carries no usable Retry-After: the platform's limit is per minute. */
export const DEFAULT_RETRY_AFTER_MS = 60_000;
const MIN_MS = 1_000;
const MAX_MS = 3_600_000;

/**
 * Retry-After as milliseconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3). Kept within 1 s..1 h so a
 * "0" still slows us down and a far-off date cannot stop the queue for days.
 */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  const value = header?.trim() ?? '';
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(value)) ms = Number(value) * 1_000;
  // Every HTTP-date form starts with a day name; a bare "-5" would otherwise parse as a year.
  else if (/^[A-Za-z]/.test(value) && !Number.isNaN(Date.parse(value))) ms = Date.parse(value) - now;
  else return DEFAULT_RETRY_AFTER_MS;
  return Math.min(MAX_MS, Math.max(MIN_MS, Math.ceil(ms)));
}
