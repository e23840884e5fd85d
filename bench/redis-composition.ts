import { Redis } from 'ioredis';
import { catalog } from '../packages/contracts/src/index';

export interface KeyGroup {
  name: string;
  keys: number;
  /** Estimated from MEMORY USAGE (every field) of up to 200 keys of the group. */
  approxMb: number;
}

const SAMPLE = 200;

const queues = new Set(Object.values(catalog).flatMap((definition) => [definition.queue, definition.deadLetterQueue]));
const structure = /^(wait|active|delayed|prioritized|completed|failed|paused|meta|events|id|marker|pc|stalled-check|limiter)$/;

/**
 * Which group a key belongs to, so that what retention caps (finished jobs) is told apart from what grows with
 * the number of deliveries until its TTL ends (dedup keys, done marks, other per-delivery marks).
 */
function groupOf(key: string, prefix: string): string {
  const [head = '', second = '', ...more] = key.slice(prefix.length + 1).split(':');
  if (head === 'done') return `done marks "${second}" (TTL 24 h)`;
  if (head === 'inbox-copies') return 'copies of inbox batches (TTL 60 days)';
  if (head === 'inbox-dedup') return 'ingress dedup claims (TTL DEDUP_WINDOW_S)';
  if (more.length > 0 || structure.test(second)) return 'queue structures and other keys';
  if (queues.has(head)) return 'job hashes (finished ones kept ≤ 1 h: 100 batches per batch queue, 1,000 per other queue)';
  return `per-delivery keys "${head}"`;
}

/** Every key under the prefix, grouped, with an estimate of the memory each group takes. */
export async function redisComposition(redisUrl: string, prefix: string): Promise<KeyGroup[]> {
  const redis = new Redis(redisUrl);
  try {
    const groups = new Map<string, { keys: number; sampled: string[] }>();
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 2_000 }) as AsyncIterable<string[]>) {
      for (const key of keys) {
        const name = groupOf(key, prefix);
        const group = groups.get(name) ?? { keys: 0, sampled: [] };
        group.keys += 1;
        if (group.sampled.length < SAMPLE) group.sampled.push(key);
        groups.set(name, group);
      }
    }
    const result: KeyGroup[] = [];
    for (const [name, group] of groups) {
      // SAMPLES 0 reads every field: a job hash's few fields differ wildly in size (its data holds a whole batch).
      const sizes = await Promise.all(group.sampled.map((key) => redis.memory('USAGE', key, 'SAMPLES', 0)));
      const mean = sizes.reduce<number>((sum, size) => sum + Number(size ?? 0), 0) / sizes.length;
      result.push({ name, keys: group.keys, approxMb: Math.round((mean * group.keys) / 104_857.6) / 10 });
    }
    return result.sort((a, b) => b.keys - a.keys);
  } finally {
    redis.disconnect();
  }
}
