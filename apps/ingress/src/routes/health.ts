import type { FastifyPluginAsync } from 'fastify';
import { errorBody } from '@herohooks/contracts';
import type { Producer } from '../enqueue/producer';
import { RETRY_AFTER_SECONDS } from '../http/error-handler';

/** /healthz: the process answers. /readyz: Redis answers too (else 503, so a load balancer stops sending). */
export const healthRoutes: FastifyPluginAsync<{ producer: Producer }> = async (app, { producer }) => {
  app.get('/healthz', { config: { metricType: 'healthz' }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { metricType: 'readyz' }, schema: { hide: true } }, async (_request, reply) => {
    if (await producer.ready()) return { status: 'ok' };
    return reply
      .code(503)
      .header('retry-after', String(RETRY_AFTER_SECONDS))
      .send(errorBody('redis_unavailable', 'Redis does not answer.'));
  });
};
