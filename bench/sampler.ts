import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { catalog, webhookConsumers } from '../packages/contracts/src/index';

export interface Sample {
  /** Seconds since the sampler started. */
  t: number;
  usedMemory: number;
  keys: number;
  /** Keys with a TTL: per-delivery dedup claims and marks, which level off at rate × TTL, not with retention. */
  expiring: number;
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
    const [info, keyspace, keys, counts] = await Promise.all([
      redis.info('memory'),
      redis.info('keyspace'),
      redis.dbsize(),
      Promise.all(queues.map((queue) => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized'))),
    ]);
    const usedMemory = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
    const backlog = counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
    const expiring = Number(/expires=(\d+)/.exec(keyspace)?.[1] ?? 0);
    samples.push({ t, usedMemory, keys, expiring, backlog });
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

/** Mean MEMORY USAGE of up to `count` random keys that have a TTL (0 when none is found). */
export async function bytesPerExpiringKey(redisUrl: string, count = 200): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const sizes: number[] = [];
    for (let tries = 0; tries < count * 5 && sizes.length < count; tries++) {
      const key = await redis.randomkey();
      if (key === null) break;
      if ((await redis.pttl(key)) > 0) sizes.push((await redis.memory('USAGE', key)) ?? 0);
    }
    return sizes.length ? sizes.reduce((a, b) => a + b, 0) / sizes.length : 0;
  } finally {
    redis.disconnect();
  }
}

/** One sample now (for before/after figures). */
export async function sampleOnce(redisUrl: string, prefix: string): Promise<Sample> {
  const sampler = startSampler(redisUrl, prefix);
  const [sample] = await sampler.stop();
  return sample!;
}
