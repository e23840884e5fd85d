import { consumerNames } from '@herohooks/contracts';
import { openQueuePair, type QueuePair } from '@herohooks/worker-kit';
import type { ConnectionOptions } from 'bullmq';

/** Every consumer queue of the catalog with its dead-letter queue, on one shared connection. */
export function openCatalogQueues(connection: ConnectionOptions, prefix: string): QueuePair[] {
  return consumerNames.map((name) => openQueuePair(name, connection, prefix));
}

export async function closeQueues(pairs: readonly QueuePair[]): Promise<void> {
  await Promise.all(pairs.map((pair) => pair.close()));
}
