import { DeferError, type JobContext } from '@herohooks/worker-kit';
import { limits } from '../render/limits';

/** Slack allows about one message per second per channel (SLACK_CHANNEL_INTERVAL_MS). */
export const DEFAULT_CHANNEL_INTERVAL_MS = 1_000;
/** A message that wakes this much before its booked slot (timers, clocks of other hosts) takes it anyway. */
const EARLY_MS = 50;
/** How long past its slot a booking is kept, for a worker that wakes late (busy, or restarted). */
const BOOKING_GRACE_MS = 60_000;

/** The channel's last booked slot (`at`, ms in Redis time) and what it carries (`deliveries`, `blocks`). */
export function channelSlotKey(prefix: string, channel: string): string {
  return `${prefix}:slack:channel-slot:${channel}`;
}

/** The slot a delivery waits for (ms, Redis time). */
export function bookedSlotKey(prefix: string, deliveryId: string): string {
  return `${prefix}:slack:booked-slot:${deliveryId}`;
}

// KEYS[1] the channel's slot; ARGV: interval, the slot the message already booked (0: none), EARLY_MS, its
// deliveries, its blocks, deliveries per message, blocks per message. Returns {wait ms, slot}: wait 0 = post now.
// Redis' own clock, so workers on hosts whose clocks differ agree.
const CLAIM = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local booked = tonumber(ARGV[2])
if booked > 0 then
  if booked <= now + tonumber(ARGV[3]) then return {0, booked} end
  return {booked - now, booked}
end
local interval, deliveries, blocks = tonumber(ARGV[1]), tonumber(ARGV[4]), tonumber(ARGV[5])
local last = redis.call('HMGET', KEYS[1], 'at', 'deliveries', 'blocks')
local at = tonumber(last[1]) or 0
local fits = at > now and tonumber(last[2]) + deliveries <= tonumber(ARGV[6])
if fits and tonumber(last[3]) + 1 + blocks <= tonumber(ARGV[7]) then
  redis.call('HINCRBY', KEYS[1], 'deliveries', deliveries)
  redis.call('HINCRBY', KEYS[1], 'blocks', 1 + blocks)
  return {at - now, at}
end
local slot = math.max(now, at + interval)
redis.call('HSET', KEYS[1], 'at', slot, 'deliveries', deliveries, 'blocks', blocks)
redis.call('PEXPIRE', KEYS[1], slot + interval - now)
return {slot - now, slot}`;

export interface SlotRequest {
  channel: string;
  /** The deliveries the message carries, and its size in blocks. */
  members: readonly JobContext[];
  blocks: number;
  intervalMs: number;
  deliveriesPerMessage: number;
}

/**
 * Takes the channel's slot for one message, shared in Redis by every worker process. When the channel is busy,
 * the message joins the last booked slot if that one's message has room for it, or books the next one: first
 * come, first served. Its deliveries then wait (each as a job of its own, other channels flowing) exactly until
 * that slot, and post when they come back. So a backlog wakes once per delivery, where waiters that all retried
 * the next slot would wake every second, and a burst fills its messages. An interval of 0 turns the pace off.
 */
export async function claimChannelSlot({ channel, members, blocks, intervalMs, deliveriesPerMessage }: SlotRequest) {
  if (intervalMs === 0) return;
  const { redis, prefix } = members[0]!;
  const bookingKeys = members.map((ctx) => bookedSlotKey(prefix, ctx.deliveryId));
  const bookings = (await redis.mget(bookingKeys)).map(Number).filter((slot) => slot > 0);
  const booked = bookings.length > 0 ? Math.min(...bookings) : 0;
  const key = channelSlotKey(prefix, channel);
  const args = [intervalMs, booked, EARLY_MS, members.length, blocks, deliveriesPerMessage, limits.blocks];
  const [waitMs, slot] = (await redis.eval(CLAIM, 1, key, ...args)) as [number, number];
  if (waitMs === 0) {
    if (bookings.length > 0) await redis.del(bookingKeys);
    return;
  }
  await Promise.all(bookingKeys.map((bookingKey) => redis.set(bookingKey, String(slot), 'PX', waitMs + BOOKING_GRACE_MS)));
  throw new DeferError('channel slot booked', waitMs);
}
