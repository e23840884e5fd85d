import { BatchTimeoutError } from '@herohooks/runtime';

/**
 * Redis did not acknowledge a batch (error, or no answer within the deadline): each request of it is answered 503.
 * A batch that timed out may still have been written; the retry is then answered as a duplicate of it.
 */
export class EnqueueUnavailableError extends Error {
  override readonly name = 'EnqueueUnavailableError';

  constructor(
    readonly reason: 'timeout' | 'failed',
    options: { cause?: unknown } = {},
  ) {
    super(reason === 'timeout' ? 'the queue did not acknowledge in time' : 'the queue refused the write', options);
  }
}

/** How a failed batch write is answered: every request of it gets an EnqueueUnavailableError (a 503). */
export function enqueueRefusal(error: unknown): EnqueueUnavailableError {
  return new EnqueueUnavailableError(error instanceof BatchTimeoutError ? 'timeout' : 'failed', { cause: error });
}
