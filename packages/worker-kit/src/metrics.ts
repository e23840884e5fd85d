import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueuePair } from './dead-letter';

export type JobOutcome = 'completed' | 'retried' | 'dead_lettered' | 'duplicate_skipped' | 'rate_limited' | 'deferred';

export interface ConsumerMetrics {
  registry: Registry;
  jobs: Counter<'consumer' | 'type' | 'outcome'>;
  duration: Histogram<'consumer' | 'type'>;
}

/** Per-process registry: jobs by outcome and type, processing time, queue and dead-letter depth (read on scrape). */
export function createConsumerMetrics(consumer: string, queues: QueuePair): ConsumerMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ app: `worker-${consumer}` });
  collectDefaultMetrics({ register: registry });
  const jobs = new Counter({
    name: 'herohooks_jobs_total',
    help: 'Jobs handled, by consumer, event type and outcome',
    labelNames: ['consumer', 'type', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'herohooks_job_duration_seconds',
    help: 'Time spent in the handler per job',
    labelNames: ['consumer', 'type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'herohooks_queue_jobs',
    help: 'Jobs in the consumer queue by state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      const counts = await queues.source.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
      for (const [state, n] of Object.entries(counts)) this.set({ queue: queues.definition.queue, state }, n);
    },
  });
  new Gauge({
    name: 'herohooks_dead_letters',
    help: 'Jobs waiting in the dead-letter queue',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.set({ queue: queues.definition.deadLetterQueue }, await queues.deadLetters.getWaitingCount());
    },
  });
  return { registry, jobs, duration };
}
