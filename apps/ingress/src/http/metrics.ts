import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface IngressMetrics {
  registry: Registry;
  requests: Counter<'type' | 'status'>;
  enqueueSeconds: Histogram<'queue' | 'outcome'>;
  batchSize: Histogram<'queue'>;
}

/** One registry per app instance (not prom-client's global one), so tests can build many apps in one process. */
export function createMetrics(): IngressMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'herohooks_ingress_' });
  return {
    registry,
    requests: new Counter({
      name: 'herohooks_ingress_requests_total',
      help: 'Requests answered, by webhook type (or tracking kind) and HTTP status.',
      labelNames: ['type', 'status'],
      registers: [registry],
    }),
    enqueueSeconds: new Histogram({
      name: 'herohooks_ingress_enqueue_seconds',
      help: 'Time from writing a batch to Redis until it was acknowledged (or refused).',
      labelNames: ['queue', 'outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'herohooks_ingress_batch_size',
      help: 'Jobs written per Redis round trip.',
      labelNames: ['queue'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
  };
}

/** For the producer's onBatch callback. */
export function observeBatch(metrics: IngressMetrics) {
  return (queue: string, size: number, seconds: number, ok: boolean): void => {
    metrics.batchSize.observe({ queue }, size);
    metrics.enqueueSeconds.observe({ queue, outcome: ok ? 'ok' : 'failed' }, seconds);
  };
}
