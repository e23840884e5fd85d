import { slackDeliveryIds } from '@herohooks/contracts';
import { asError, PermanentError, type JobContext } from '@herohooks/worker-kit';
import { WebAPIPlatformError, type WebClient } from '@slack/web-api';
import { classifySlackError } from './classify';

// A mark must be there for every later run of the delivery: retries span up to ~68 min of backoff (13 attempts
// from 1 s doubling) plus time in the queue, a stalled re-run comes within ~90 s, and a re-added fan-out may wait
// behind a backlog; a day and two hours outlive the kit's one-day done mark by the retries' span. An attempt whose
// post may have gone through (timeout, 5xx) keeps its mark for as long as a dead letter is likely to be replayed.
const ATTEMPT_MARK_TTL_SECONDS = 26 * 3_600;
const UNCERTAIN_ATTEMPT_MARK_TTL_SECONDS = 7 * 24 * 3_600;
// Slack stamps a message with its own clock; this host's clock may be ahead of it.
const CLOCK_MARGIN_MS = 60_000;
const PAGE_SIZE = 200;
const MAX_PAGES = 10;

export function attemptMarkKey(prefix: string, deliveryId: string): string {
  return `${prefix}:slack-attempt:${deliveryId}`;
}

/** Slack's "seconds.micros" form of a time in milliseconds since the epoch. */
export function slackTs(ms: number): string {
  const whole = Math.max(0, Math.floor(ms));
  return `${Math.floor(whole / 1_000)}.${String((whole % 1_000) * 1_000).padStart(6, '0')}`;
}

/** Marks that an attempt starts now; answers when the first earlier attempt started, if there was one. */
async function recordAttempt(ctx: JobContext): Promise<number | undefined> {
  const key = attemptMarkKey(ctx.prefix, ctx.deliveryId);
  if ((await ctx.redis.set(key, String(Date.now()), 'EX', ATTEMPT_MARK_TTL_SECONDS, 'NX')) === 'OK') return undefined;
  const earlier = Number(await ctx.redis.get(key));
  // An unreadable mark still means an earlier attempt: search from the oldest message.
  return Number.isFinite(earlier) ? earlier : 0;
}

/**
 * Pages through the channel's messages since `oldestMs`, newest first, and answers which of `deliveryIds` a
 * message there names; it stops once it found them all.
 */
async function postedAmong(
  client: WebClient,
  channel: string,
  oldestMs: number,
  deliveryIds: readonly string[],
  log: JobContext['log'],
): Promise<Set<string>> {
  const wanted = new Set(deliveryIds);
  const found = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const answer = await client.conversations.history({
      channel,
      oldest: slackTs(oldestMs),
      include_all_metadata: true,
      limit: PAGE_SIZE,
      cursor,
    });
    for (const message of answer.messages ?? []) {
      for (const id of slackDeliveryIds(message.metadata)) if (wanted.has(id)) found.add(id);
    }
    cursor = answer.response_metadata?.next_cursor;
    if (found.size === wanted.size || !answer.has_more || !cursor) return found;
  }
  log.warn({ channel, messages: MAX_PAGES * PAGE_SIZE }, 'earlier post not found within the searched history; posting');
  return found;
}

export interface Reconciler {
  /**
   * Records this attempt of each delivery of a message. For those whose earlier attempt may have posted (the
   * worker died between Slack's answer and the done mark), reads the channel's history once and answers, for each
   * delivery, whether the channel already holds it; a delivery whose mark could not be written gets that error.
   */
  alreadyPosted(channel: string, deliveries: readonly JobContext[]): Promise<Array<boolean | Error>>;
  /** After a post whose outcome is unknown: keeps the attempt mark long enough for a replay to reconcile. */
  keepForReplay(ctx: JobContext): Promise<void>;
}

export function createReconciler(client: WebClient): Reconciler {
  const warned = new Set<string>();

  /** Which of the deliveries the history holds; without read access, none (they are posted: at least once). */
  async function readHistory(channel: string, oldestMs: number, retried: readonly JobContext[]): Promise<Set<string>> {
    const log = retried[0]!.log;
    try {
      return await postedAmong(client, channel, oldestMs, retried.map((ctx) => ctx.deliveryId), log);
    } catch (error) {
      const classified = classifySlackError(error);
      if (!(classified instanceof PermanentError)) throw classified;
      // Without read access the post still goes out (at least once); say so once, not on every retry.
      if (!warned.has(classified.reason)) {
        warned.add(classified.reason);
        const needed = error instanceof WebAPIPlatformError ? (error.data as { needed?: unknown }).needed : undefined;
        log.warn(
          { channel, reason: classified.reason, needed },
          'cannot read channel history to find an earlier post: grant channels:history (and groups:history for private channels) and invite the bot; posting, which may repeat a message after a crash',
        );
      }
      return new Set();
    }
  }

  return {
    async alreadyPosted(channel, deliveries) {
      const earlier = await Promise.all(deliveries.map((ctx) => recordAttempt(ctx).catch(asError)));
      const retried = deliveries.filter((_ctx, index) => typeof earlier[index] === 'number');
      if (retried.length === 0) return earlier.map((mark) => (mark instanceof Error ? mark : false));
      const oldestMs = Math.min(...earlier.filter((mark): mark is number => typeof mark === 'number'));
      const posted = await readHistory(channel, oldestMs - CLOCK_MARGIN_MS, retried).catch(asError);
      return deliveries.map((ctx, index) => {
        const mark = earlier[index];
        if (mark instanceof Error) return mark;
        if (mark === undefined) return false;
        return posted instanceof Error ? posted : posted.has(ctx.deliveryId);
      });
    },
    async keepForReplay(ctx) {
      await ctx.redis.expire(attemptMarkKey(ctx.prefix, ctx.deliveryId), UNCERTAIN_ATTEMPT_MARK_TTL_SECONDS);
    },
  };
}
