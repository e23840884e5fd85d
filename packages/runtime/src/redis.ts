import { Redis, type RedisOptions } from 'ioredis';

/**
 * Connection settings from BullMQ's going-to-production guide.
 * - producer: commands fail at once while Redis is unreachable (no offline queue), so the ingress can answer 503
 *   quickly instead of hanging; it reconnects by itself.
 * - worker: commands wait for the connection (maxRetriesPerRequest null), so a blocking worker survives outages.
 */
export function redisOptions(role: 'producer' | 'worker'): RedisOptions {
  const common: RedisOptions = {
    retryStrategy: (times) => Math.min(100 * 2 ** times, 2_000),
    connectTimeout: 2_000,
  };
  return role === 'producer'
    ? { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1 }
    : { ...common, enableOfflineQueue: true, maxRetriesPerRequest: null };
}

export function connectRedis(url: string, role: 'producer' | 'worker'): Redis {
  return new Redis(url, { ...redisOptions(role), lazyConnect: false });
}
