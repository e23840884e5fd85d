import type { FastifyPluginAsync } from 'fastify';
import type { IngressMetrics } from '../http/metrics';

export const metricsRoutes: FastifyPluginAsync<{ metrics: IngressMetrics }> = async (app, { metrics }) => {
  app.get('/metrics', { config: { metricType: 'metrics' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
};
