import { DeferError, type JobContext } from '@herohooks/worker-kit';

/** Slack allows about one message per second per channel. */
export const CHANNEL_INTERVAL_MS = 1_000;

/**
 * Claims the channel's next one-second slot in Redis (shared by every worker process). When the slot is taken,
 * only this job is put back until it frees up; other channels keep flowing and nothing is dropped.
 */
export async function claimChannelSlot(ctx: JobContext, channel: string): Promise<void> {
  const key = `${ctx.prefix}:slack:channel-slot:${channel}`;
  if ((await ctx.redis.set(key, ctx.deliveryId, 'PX', CHANNEL_INTERVAL_MS, 'NX')) === 'OK') return;
  const remainingMs = await ctx.redis.pttl(key);
  // The slot may expire between the two calls (pttl -2): come back almost at once.
  throw new DeferError('channel slot taken', Math.max(remainingMs, 10));
}
