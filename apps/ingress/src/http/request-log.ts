import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IngressMetrics } from './metrics';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once a webhook delivery has an id (accepted or duplicate). */
    deliveryId: string | undefined;
    /** The error code answered, if any. */
    errorCode: string | undefined;
  }
  interface FastifyContextConfig {
    /** Metrics label for the route: webhook type, tracking kind, or an operational route name. */
    metricType?: string;
  }
}

/** What a request looks like in a log line: never headers (signature, Authorization) and never the body. */
export function requestSerializer(request: FastifyRequest) {
  return { method: request.method, url: request.url, remoteAddress: request.ip };
}

/**
 * One line and one counter per request, written when the answer was sent (Fastify's own two lines per request
 * are turned off): status, time, the delivery id when there is one, and the error code when there is one.
 */
export function installRequestLog(app: FastifyInstance, metrics: IngressMetrics): void {
  app.decorateRequest('deliveryId', undefined);
  app.decorateRequest('errorCode', undefined);
  app.addHook('onResponse', async (request, reply) => {
    const type = request.routeOptions.config.metricType ?? 'other';
    metrics.requests.inc({ type, status: reply.statusCode });
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        deliveryId: request.deliveryId,
        code: request.errorCode,
      },
      'request completed',
    );
  });
}
