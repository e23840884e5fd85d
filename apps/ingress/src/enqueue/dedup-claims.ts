import type { Redis } from 'ioredis';

// For each key: the delivery id that holds it, claiming it for ARGV[1 + i] (for ARGV[1] seconds) when nobody does.
// Keys are handled in order, so a second copy within the same batch finds the first copy's claim.
const CLAIM_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local holder = redis.call('GET', key)
  if not holder then
    holder = ARGV[i + 1]
    redis.call('SET', key, holder, 'EX', ARGV[1])
  end
  out[i] = holder
end
return out`;

interface WithClaim {
  claimDeliveries(...args: (string | number)[]): unknown;
}

/** Registers the claim script on a connection (ioredis sends it by SHA and loads it when Redis lacks it). */
export function defineClaims(redis: Redis): void {
  if (!('claimDeliveries' in redis)) redis.defineCommand('claimDeliveries', { lua: CLAIM_SCRIPT });
}

/**
 * Queues the claims on a transaction opened on a connection given to defineClaims (BullMQ wraps its MULTI in a type
 * of its own, hence `object`); the claims' result is one holder id per key, in order.
 */
export function queueClaims(multi: object, keys: string[], deliveryIds: string[], ttlSeconds: number): void {
  (multi as unknown as WithClaim).claimDeliveries(keys.length, ...keys, ttlSeconds, ...deliveryIds);
}
