import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface ProbeServerOptions {
  port: number;
  host?: string;
  registry: Registry;
  /** Resolves true when the process can do its work (Redis reachable, worker running). */
  ready: () => Promise<boolean>;
}

/** /healthz (alive), /readyz (dependencies reachable, else 503), /metrics (Prometheus). */
export async function startProbeServer(options: ProbeServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const ready = await options.ready().catch(() => false);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable' });
  });
  app.get('/metrics', async (_req, reply) =>
    reply.type(options.registry.contentType).send(await options.registry.metrics()),
  );
  await app.listen({ port: options.port, host: options.host ?? '0.0.0.0' });
  return app;
}
