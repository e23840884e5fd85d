import { BatchTimeoutError } from '@herohooks/runtime';

/** Redis did not acknowledge a batch (error, or no answer within the deadline): nothing in it counts as accepted. */
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
