import { DeferError, type JobContext } from '@herohooks/worker-kit';

/** Slack allows about one message per second per channel (SLACK_CHANNEL_INTERVAL_MS). */
export const DEFAULT_CHANNEL_INTERVAL_MS = 1_000;

export function channelSlotKey(prefix: string, channel: string): string {
  return `${prefix}:slack:channel-slot:${channel}`;
}

/**
 * Claims the channel's next slot of `intervalMs` in Redis (shared by every worker process). When the slot is
 * taken, only this job is put back until it frees up; other channels keep flowing and nothing is dropped.
 * An interval of 0 turns the pace off.
 */
export async function claimChannelSlot(ctx: JobContext, channel: string, intervalMs: number): Promise<void> {
  if (intervalMs === 0) return;
  const key = channelSlotKey(ctx.prefix, channel);
  if ((await ctx.redis.set(key, ctx.deliveryId, 'PX', intervalMs, 'NX')) === 'OK') return;
  const remainingMs = await ctx.redis.pttl(key);
  // The slot may expire between the two calls (pttl -2): come back almost at once.
  throw new DeferError('channel slot taken', Math.max(remainingMs, 10));
}
