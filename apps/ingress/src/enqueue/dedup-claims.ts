// Runs in the same MULTI as, and after, the BullMQ add of the batch job. It claims nothing unless that job exists,
// so a claim never names a delivery that is not queued (Redis does not roll a MULTI back when one command fails).
// For each delivery: the delivery id that holds its claim, claiming it when nobody does (one SET NX, the common
// case); a delivery whose claim is held by another is recorded in the batch's copies hash, which the router reads
// to leave it out. A script runs with the clock stopped, so a claim SET NX found cannot expire before the GET.
// A claim held by the delivery itself is not a copy: ioredis sends an unanswered transaction again after a
// reconnect, and that second run must not mark the whole batch as copies of itself.
// KEYS: job hash, copies hash, then one claim key per delivery; ARGV: claim TTL, copies TTL, then the delivery ids.
const CLAIM_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
local holders = {}
for i = 3, #KEYS do
  local holder = ARGV[i]
  if not redis.call('SET', KEYS[i], holder, 'NX', 'EX', ARGV[1]) then
    holder = redis.call('GET', KEYS[i]) or ARGV[i]
    if holder ~= ARGV[i] then redis.call('HSET', KEYS[2], ARGV[i], holder) end
  end
  holders[i - 2] = holder
end
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
return holders`;

/** Longer than any inbox job can live (its retries, then seven days as a dead letter), so a replay still knows. */
const COPIES_TTL_SECONDS = 60 * 24 * 3_600;

export interface Claims {
  jobKey: string;
  copiesKey: string;
  claimKeys: string[];
  deliveryIds: string[];
  ttlSeconds: number;
}

interface Evaluating {
  eval(script: string, numKeys: number, ...args: (string | number)[]): unknown;
}

/**
 * Queues the claims on a transaction (BullMQ wraps its MULTI in a type of its own, hence `object`). Sent as EVAL
 * with the script's text, so Redis cannot answer NOSCRIPT inside the transaction; its result is one holder id per
 * delivery, in order, or null when the batch job was not written.
 */
export function queueClaims(transaction: object, claims: Claims): void {
  const keys = [claims.jobKey, claims.copiesKey, ...claims.claimKeys];
  (transaction as Evaluating).eval(CLAIM_SCRIPT, keys.length, ...keys, claims.ttlSeconds, COPIES_TTL_SECONDS, ...claims.deliveryIds);
}
