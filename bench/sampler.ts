import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { catalog, webhookConsumers } from '../packages/contracts/src/index';

export interface Sample {
  /** Seconds since the sampler started. */
  t: number;
  usedMemory: number;
  keys: number;
  /** Jobs not yet finished (waiting, active, delayed, prioritized) over the inbox and every webhook consumer. */
  backlog: number;
}

export interface Sampler {
  samples: Sample[];
  /** Stops sampling (idempotent) and returns every sample taken. */
  stop(): Promise<Sample[]>;
}

/** Samples Redis memory, key count and the pipeline's backlog once per second until stopped. */
export function startSampler(redisUrl: string, prefix: string): Sampler {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const queues = [catalog.inbox, ...webhookConsumers.map((name) => catalog[name])].map(
    (definition) => new Queue(definition.queue, { connection: redis, prefix }),
  );
  const samples: Sample[] = [];
  const started = performance.now();
  const take = async () => {
    const t = (performance.now() - started) / 1000;
    const [info, keys, counts] = await Promise.all([
      redis.info('memory'),
      redis.dbsize(),
      Promise.all(queues.map((queue) => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized'))),
    ]);
    const usedMemory = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
    const backlog = counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
    samples.push({ t, usedMemory, keys, backlog });
  };
  let pending = take();
  const timer = setInterval(() => {
    pending = pending.then(take, take);
  }, 1_000);
  let stopped: Promise<Sample[]> | undefined;
  const stop = async () => {
    clearInterval(timer);
    await pending.catch(() => undefined);
    await Promise.all(queues.map((queue) => queue.close()));
    redis.disconnect();
    return samples;
  };
  return {
    samples,
    stop: () => (stopped ??= stop()),
  };
}

/** One sample now (for before/after figures). */
export async function sampleOnce(redisUrl: string, prefix: string): Promise<Sample> {
  const sampler = startSampler(redisUrl, prefix);
  const [sample] = await sampler.stop();
  return sample!;
}
