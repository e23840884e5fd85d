import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

/** OpenAPI generated from the route schemas (the contracts' TypeBox schemas): UI at /docs, document at /docs/json. */
export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'herohooks ingress',
        version: '0.1.0',
        description: 'Signed Influencer Hero webhooks and tracking calls in; durable BullMQ jobs out.',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
