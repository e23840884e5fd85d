import { DeferError, type JobContext } from '@herohooks/worker-kit';
import type { Redis } from 'ioredis';
import { blockTextLength, combineMessages } from '../render/combine';
import { limits } from '../render/limits';
import type { SlackMessage } from '../render/message';

/** Slack allows about one message per second per channel (SLACK_CHANNEL_INTERVAL_MS). */
export const DEFAULT_CHANNEL_INTERVAL_MS = 1_000;
/** A message that wakes this much before its booked slot (timers, clocks of other hosts) takes it anyway. */
const EARLY_MS = 50;
/** How long past its slot a booking is kept, so that a late worker finds it (and then books again). */
const BOOKING_GRACE_MS = 60_000;

/**
 * The channel's schedule: the last booked slot (`at`, ms in Redis time), what its message carries so far
 * (`deliveries`, `blocks`, `text`), and the last slot a message went out in (`posted`).
 */
export function channelScheduleKey(prefix: string, channel: string): string {
  return `${prefix}:slack:channel-schedule:${channel}`;
}

/** The slot a delivery waits for (ms, Redis time). */
export function bookedSlotKey(prefix: string, deliveryId: string): string {
  return `${prefix}:slack:booked-slot:${deliveryId}`;
}

// KEYS[1] the channel's schedule, KEYS[2..] the bookings of the message's deliveries. ARGV: interval, EARLY_MS,
// BOOKING_GRACE_MS, the message's deliveries, blocks and text, the most deliveries, blocks and text one message
// holds. Returns {wait ms, slot}: wait 0 = post now. Redis' own clock, so workers whose clocks differ agree.
const CLAIM = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval, early, grace = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local booked = 0
for i = 2, #KEYS do
  local slot = tonumber(redis.call('GET', KEYS[i]))
  if slot and (booked == 0 or slot < booked) then booked = slot end
end
local state = redis.call('HMGET', KEYS[1], 'at', 'deliveries', 'blocks', 'text', 'posted')
local at, posted = tonumber(state[1]) or 0, tonumber(state[5]) or 0
local function post(slot)
  redis.call('HSET', KEYS[1], 'posted', slot)
  for i = 2, #KEYS do redis.call('DEL', KEYS[i]) end
  return {0, slot}
end
local function book(slot)
  for i = 2, #KEYS do redis.call('SET', KEYS[i], slot, 'PX', slot - now + grace) end
  return {slot - now, slot}
end
-- A booked slot that no message has used yet, and that is not more than an interval past: wait for it, or post.
if booked > 0 and posted < booked and booked >= now - interval then
  if booked > now + early then return {booked - now, booked} end
  return post(booked)
end
local deliveries, blocks, text = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
if at > now + early and posted < at
  and tonumber(state[2]) + deliveries <= tonumber(ARGV[7])
  and tonumber(state[3]) + 1 + blocks <= tonumber(ARGV[8])
  and tonumber(state[4]) + text <= tonumber(ARGV[9]) then
  redis.call('HINCRBY', KEYS[1], 'deliveries', deliveries)
  redis.call('HINCRBY', KEYS[1], 'blocks', 1 + blocks)
  redis.call('HINCRBY', KEYS[1], 'text', text)
  return book(at)
end
local slot = math.max(now, at + interval)
redis.call('HSET', KEYS[1], 'at', slot, 'deliveries', deliveries, 'blocks', blocks, 'text', text)
redis.call('PEXPIRE', KEYS[1], slot - now + 2 * interval)
if slot == now then return post(slot) end
return book(slot)`;

export interface SlotRequest {
  channel: string;
  /** The deliveries the message carries, and their own messages (what it will hold). */
  members: readonly JobContext[];
  messages: readonly SlackMessage[];
  intervalMs: number;
  deliveriesPerMessage: number;
}

type ClaimScript = (numberOfKeys: number, ...keysAndArgs: Array<string | number>) => Promise<[number, number]>;
const withScript = new WeakSet<Redis>();

/** The claim script on this connection, loaded once and then called by its SHA (ioredis' defineCommand). */
function claimScript(redis: Redis): ClaimScript {
  if (!withScript.has(redis)) {
    redis.defineCommand('herohooksClaimSlackSlot', { lua: CLAIM });
    withScript.add(redis);
  }
  const commands = redis as unknown as { herohooksClaimSlackSlot: ClaimScript };
  return commands.herohooksClaimSlackSlot.bind(redis);
}

/**
 * Takes the channel's slot for one message, shared in Redis by every worker process, in one script. When the
 * channel is busy, the message joins the last booked slot if that slot's message has room for it, or books the next
 * one: first come, first served. Its deliveries then wait (each as a job of its own, other channels flowing)
 * exactly until that slot, and post when they come back, unless a message went out in that slot already (the
 * deliveries of one slot may come back apart) or they come more than an interval late: then they book again. So at
 * most one message goes out per slot, a backlog wakes about once per delivery (waiters that all retried the next
 * slot would wake every second), and a burst fills its messages. An interval of 0 turns the pace off.
 */
export async function claimChannelSlot(request: SlotRequest): Promise<void> {
  const { channel, members, intervalMs } = request;
  if (intervalMs === 0) return;
  const { redis, prefix } = members[0]!;
  const keys = [channelScheduleKey(prefix, channel), ...members.map((ctx) => bookedSlotKey(prefix, ctx.deliveryId))];
  const { blocks } = combineMessages(request.messages);
  const message = [members.length, blocks.length, blockTextLength(blocks)];
  const most = [request.deliveriesPerMessage, limits.blocks, limits.sharedMessageText];
  const args = [intervalMs, EARLY_MS, BOOKING_GRACE_MS, ...message, ...most];
  const [waitMs] = await claimScript(redis)(keys.length, ...keys, ...args);
  if (waitMs > 0) throw new DeferError('channel slot booked', waitMs);
}
