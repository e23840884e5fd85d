import { pathToFileURL } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';

/**
 * The baseline: Fastify with no logger, its default JSON parser, and an answer of the same shape as the ingress.
 * Whatever the ingress costs beyond this is verification, validation, logging and the Redis write.
 */
export async function startBareFastify(port = 0, host = '127.0.0.1'): Promise<FastifyInstance> {
  const app = Fastify();
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.post<{ Params: { type: string } }>('/webhooks/influencer-hero/:type', async (request, reply) =>
    reply.code(202).send({ id: 'bare', type: request.params.type, duplicate: false }),
  );
  await app.listen({ port, host });
  return app;
}

// Run alone (the benchmark starts it as a child process): PORT=3100 node --import tsx bench/bare-fastify.ts
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const app = await startBareFastify(Number(process.env.PORT ?? 0));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void app.close());
}
