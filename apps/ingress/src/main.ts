import './no-pretenuring';
import { connectRedis, createLogger, loadEnv } from '@herohooks/runtime';
import { buildApp } from './app';
import { createProducer } from './enqueue/producer';
import { IngressEnv, ingressConfig } from './env';
import { createMetrics, observeBatch } from './http/metrics';
import { closeOnSignals, listen } from './server';

const env = loadEnv(IngressEnv);
const logger = createLogger('ingress', env.LOG_LEVEL, env.LOG_FORMAT);
const metrics = createMetrics();
const redis = connectRedis(env.REDIS_URL, 'producer');
redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
const producer = createProducer({
  redis,
  prefix: env.QUEUE_PREFIX,
  dedupWindowSeconds: env.DEDUP_WINDOW_S,
  lingerMs: env.ENQUEUE_LINGER_MS,
  logger,
  onBatch: observeBatch(metrics),
});
const app = await buildApp({ config: ingressConfig(env), producer, metrics, logger });
closeOnSignals(app, [() => producer.close(), () => redis.quit().catch(() => redis.disconnect())]);
await listen(app, env.PORT, env.HOST);
