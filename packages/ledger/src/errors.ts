import { PermanentError } from '@herohooks/worker-kit';

/**
 * A job the ledger can never book as it is (wrong type of a field, malformed currency, an amount without a
 * currency…). Retrying cannot help: the kit dead-letters it with `reason`, and nothing was written.
 */
export class UnbookableEventError extends PermanentError {
  override readonly name = 'UnbookableEventError';

  constructor(reason: string, message: string, options: { cause?: unknown } = {}) {
    super(message, { reason, cause: options.cause });
  }
}
