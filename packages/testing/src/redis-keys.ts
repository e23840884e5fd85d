import { Redis } from 'ioredis';

/** Deletes every key under a prefix; usable outside vitest (benchmarks). */
export async function dropPrefix(prefix: string, url: string): Promise<void> {
  const redis = new Redis(url);
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1_000 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }
}
