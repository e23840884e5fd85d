/**
 * How a handler tells the kit what went wrong. Classify by class, never by message text:
 * - PermanentError: retrying cannot help; the job goes straight to the dead-letter queue (BullMQ UnrecoverableError).
 * - RateLimitError: the remote asked us to slow down; the whole queue pauses for `delayMs`, the attempt is not counted.
 * - DeferError: only this job waits `delayMs` (e.g. a per-channel limit); the attempt is not counted.
 * - anything else: retried with the catalog's backoff, dead-lettered after the last attempt.
 */
export class PermanentError extends Error {
  override readonly name: string = 'PermanentError';
  /** Short machine-readable reason kept with the dead letter, e.g. "channel_not_found". */
  readonly reason: string;

  constructor(message: string, options: { reason?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.reason = options.reason ?? 'permanent';
  }
}

export class RateLimitError extends Error {
  override readonly name = 'RateLimitError';

  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

export class DeferError extends Error {
  override readonly name = 'DeferError';

  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

/** What was thrown, as an Error (a thrown string or object becomes the message of one). */
export function asError(caught: unknown): Error {
  return caught instanceof Error ? caught : new Error(String(caught));
}
