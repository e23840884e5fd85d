import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '@herohooks/runtime';
import type { IngressConfig } from './env';
import type { Producer } from './enqueue/producer';
import { installErrorHandlers } from './http/error-handler';
import type { IngressMetrics } from './http/metrics';
import { installRequestLog, requestSerializer } from './http/request-log';
import { registerDocs } from './routes/docs';
import { healthRoutes } from './routes/health';
import { metricsRoutes } from './routes/metrics';
import { trackingRoutes } from './routes/tracking';
import { webhookRoutes } from './routes/webhooks';

export interface AppDeps {
  config: IngressConfig;
  producer: Producer;
  metrics: IngressMetrics;
  logger: Logger;
  /** Milliseconds since the epoch; the timestamp window and receivedAt use it. */
  clock?: () => number;
  /** A request whose body has not fully arrived after this long is answered 408 and closed. */
  requestTimeoutMs?: number;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, producer, metrics } = deps;
  const clock = deps.clock ?? Date.now;
  const requestTimeoutMs = deps.requestTimeoutMs ?? 10_000;
  const logger: FastifyBaseLogger = deps.logger.child({}, { serializers: { req: requestSerializer } });
  const app = Fastify({
    loggerInstance: logger,
    // installRequestLog writes one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    requestTimeout: requestTimeoutMs,
    connectionTimeout: requestTimeoutMs * 2,
    http: {
      // Node enforces requestTimeout only when headersTimeout is not larger, and checks on this interval
      // (default 30 s): both are set so a body trickled in slowly is cut off after requestTimeoutMs.
      headersTimeout: requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, Math.max(100, requestTimeoutMs / 2)),
    },
  });

  installErrorHandlers(app);
  installRequestLog(app, metrics);
  await registerDocs(app);
  await app.register(healthRoutes, { producer });
  await app.register(metricsRoutes, { metrics });
  await app.register(webhookRoutes, {
    prefix: '/webhooks/influencer-hero',
    secrets: config.webhookSecrets,
    toleranceSeconds: config.toleranceSeconds,
    producer,
    clock,
  });
  // Without keys the tracking routes do not exist at all (404), rather than refusing every caller.
  if (config.trackingApiKeys.length > 0) {
    await app.register(trackingRoutes, { prefix: '/track', apiKeys: config.trackingApiKeys, producer, clock });
  }
  return app;
}
