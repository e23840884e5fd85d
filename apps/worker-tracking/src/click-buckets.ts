import { createHash, randomUUID } from 'node:crypto';
import type { ClickBody, ClickBucketKey } from '@herohooks/contracts';
import type { Redis } from 'ioredis';

// Keys (all under the queue prefix, so `{herohooks}` keeps them in one Redis Cluster slot):
//   clicks:open:<bucket>   id of the window currently gathering clicks for a bucket key
//   clicks:window:<id>     hash {clicks, jobs, state, instance, attempt} of one window
//   clicks:seen:<job id>   the window a click job was added to, so a redelivered job is not added twice

const ADD = `
local seen = redis.call('GET', KEYS[1])
if seen then return {0, seen} end
local window = redis.call('GET', KEYS[2])
if not window then
  window = ARGV[3]
  redis.call('SET', KEYS[2], window)
end
local key = KEYS[3] .. window
redis.call('HINCRBY', key, 'clicks', ARGV[1])
redis.call('HINCRBY', key, 'jobs', 1)
redis.call('SET', KEYS[1], window, 'EX', ARGV[2])
return {1, window}
`;

// Closes the window (new clicks open the next one) and takes the right to send it. A window found "sending"
// was being sent when its worker died: the outcome is unknown. One found "uncertain" by the same job instance is
// that job redelivered; by another instance, it is a dead letter a person replayed, which means "send it".
// A window found "sending" by the same claim attempt is this very call run again (ioredis sends an unanswered
// command again after a reconnect): it is still claimed, not uncertain.
const CLAIM = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
local clicks = redis.call('HGET', KEYS[2], 'clicks')
if not clicks then return {'missing', '0'} end
local state = redis.call('HGET', KEYS[2], 'state') or 'pending'
if state == 'sent' then return {'sent', clicks} end
if state == 'sending' and redis.call('HGET', KEYS[2], 'attempt') == ARGV[3] then return {'claimed', clicks} end
if state == 'sending' or (state == 'uncertain' and redis.call('HGET', KEYS[2], 'instance') == ARGV[2]) then
  redis.call('HSET', KEYS[2], 'state', 'uncertain', 'instance', ARGV[2])
  return {'uncertain', clicks}
end
redis.call('HSET', KEYS[2], 'state', 'sending', 'instance', ARGV[2], 'attempt', ARGV[3])
return {'claimed', clicks}
`;

export type ClaimState = 'claimed' | 'uncertain' | 'sent' | 'missing';
export type SettledState = 'sent' | 'pending' | 'uncertain';

const SEVEN_DAYS = 7 * 24 * 3_600;

/** The bucket key of a click: the body without the count. */
export function bucketKeyOf(body: ClickBody): ClickBucketKey {
  const { increase_clicks: _count, ...key } = body;
  return key;
}

function bucketId(key: ClickBucketKey): string {
  const [lookup] = Object.entries(key).filter(([name]) => name !== 'brand_id' && name !== 'country_code');
  const canonical = JSON.stringify([lookup, key.brand_id ?? null, key.country_code ?? null]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

/** Click counts gathered per (lookup key, brand_id, country_code) and window, with who may send each window. */
export class ClickBuckets {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly seenTtlSeconds = SEVEN_DAYS,
  ) {}

  private key(...parts: string[]): string {
    return [this.prefix, 'clicks', ...parts].join(':');
  }

  /** Adds a click job's count to the open window of its bucket (opening one if needed), at most once per job. */
  async add(jobId: string, body: ClickBody): Promise<{ window: string; added: boolean }> {
    const [added, window] = (await this.redis.eval(
      ADD,
      3,
      this.key('seen', jobId),
      this.key('open', bucketId(bucketKeyOf(body))),
      this.key('window', ''),
      body.increase_clicks,
      this.seenTtlSeconds,
      randomUUID(),
    )) as [number, string];
    return { window, added: added === 1 };
  }

  /**
   * Closes `window` and says whether this job instance may send its clicks now. `attempt` names this call (a new
   * one each time): the same call run again by Redis answers the same.
   */
  async claim(
    key: ClickBucketKey,
    window: string,
    instance: string,
    attempt: string = randomUUID(),
  ): Promise<{ state: ClaimState; clicks: number }> {
    const [state, clicks] = (await this.redis.eval(
      CLAIM,
      2,
      this.key('open', bucketId(key)),
      this.key('window', window),
      window,
      instance,
      attempt,
    )) as [ClaimState, string];
    return { state, clicks: Number(clicks) };
  }

  /** Records how the send ended; a sent window is kept a while so a late duplicate job finds it sent. */
  async settle(window: string, state: SettledState): Promise<void> {
    const key = this.key('window', window);
    if (state === 'sent') await this.redis.multi().hset(key, 'state', state).expire(key, this.seenTtlSeconds).exec();
    else await this.redis.hset(key, 'state', state);
  }
}
