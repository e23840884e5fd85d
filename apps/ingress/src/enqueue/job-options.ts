import type { JobsOptions } from 'bullmq';
import type { ConsumerDefinition } from '@herohooks/contracts';

/**
 * Options for jobs added to a catalog queue: the catalog's retry policy, plus retention so Redis memory stays flat
 * (finished jobs are trimmed by age and count; failed ones are kept longer for inspection).
 */
export function jobOptions(definition: ConsumerDefinition): JobsOptions {
  return {
    attempts: definition.retry.attempts,
    backoff: { ...definition.retry.backoff },
    removeOnComplete: { age: 3_600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3_600, count: 50_000 },
  };
}
