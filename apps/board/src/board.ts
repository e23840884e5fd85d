import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { QueuePair } from '@herohooks/worker-kit';
import type { FastifyInstance } from 'fastify';

/** Bull Board with its default actions (retry, clean, promote…) for every queue and dead-letter queue. */
export async function mountBoard(scope: FastifyInstance, pairs: readonly QueuePair[], basePath: string): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  createBullBoard({
    queues: pairs.flatMap((pair) => [new BullMQAdapter(pair.source), new BullMQAdapter(pair.deadLetters)]),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'herohooks' } },
  });
  serverAdapter.setBasePath(basePath);
  await scope.register(serverAdapter.registerPlugin(), { prefix: basePath });
}
