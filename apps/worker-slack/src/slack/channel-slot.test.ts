import { DeferError } from '@herohooks/worker-kit';
import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../render/message';
import { useRedisContext } from '../test-worker';
import { bookedSlotKey, channelScheduleKey, claimChannelSlot } from './channel-slot';

const INTERVAL_MS = 300;
const { contextOf, redis, prefix } = useRedisContext('slack-slot');

/** How long the message of these deliveries has to wait (0: it may post now). */
/** A delivery's message of a few short blocks. */
const messageOf = (id: string): SlackMessage => ({
  text: id,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `about ${id}` } }],
});

async function claim(ids: string[]): Promise<number> {
  const members = ids.map(contextOf);
  const request = { channel: 'C-1', members, messages: ids.map(messageOf), intervalMs: INTERVAL_MS, deliveriesPerMessage: 2 };
  try {
    await claimChannelSlot(request);
    return 0;
  } catch (error) {
    if (!(error instanceof DeferError)) throw error;
    return error.delayMs;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the channel slot', () => {
  it('lets a message post at once on a quiet channel, and books the next slot for the one after', async () => {
    expect(await claim(['first'])).toBe(0);
    const wait = await claim(['second']);
    expect(wait).toBeGreaterThan(INTERVAL_MS - 50);
    expect(wait).toBeLessThanOrEqual(INTERVAL_MS);
    expect(Number(await redis().get(bookedSlotKey(prefix(), 'second')))).toBeGreaterThan(0);
  });

  it('puts later messages into the booked slot while its message has room, then books the slot after it', async () => {
    await claim(['now']);
    const [a, b, c] = [await claim(['a']), await claim(['b']), await claim(['c'])];
    // Two deliveries to a message: a and b share the next slot, c waits one more.
    expect(Math.abs(a - b)).toBeLessThan(20);
    expect(c - a).toBeGreaterThan(INTERVAL_MS - 20);
  });

  it('sends at most one message per slot, even when the deliveries that booked it come back apart', async () => {
    await claim(['now']);
    const wait = Math.max(await claim(['a']), await claim(['b']));
    await sleep(wait);
    expect(await claim(['a'])).toBe(0);
    expect(await redis().get(bookedSlotKey(prefix(), 'a'))).toBeNull();
    // b's slot has had its message: b books again instead of posting a second message in it.
    expect(await claim(['b'])).toBeGreaterThan(INTERVAL_MS / 2);
  });

  it('books again, instead of posting, for a booking more than an interval past while the channel is busy', async () => {
    await claim(['now']);
    await redis().set(bookedSlotKey(prefix(), 'late'), String(Date.now() - 5 * INTERVAL_MS), 'PX', 60_000);
    expect(await claim(['late'])).toBeGreaterThan(INTERVAL_MS / 2);
  });

  it('keeps nothing once the channel is quiet again', async () => {
    await claim(['only']);
    await sleep(3 * INTERVAL_MS);
    expect(await redis().exists(channelScheduleKey(prefix(), 'C-1'))).toBe(0);
  });
});
