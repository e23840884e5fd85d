import { slackDeliveryMetadata } from '@herohooks/contracts';
import { createBatcher } from '@herohooks/runtime';
import { PermanentError, RateLimitError, type JobContext } from '@herohooks/worker-kit';
import type { WebClient } from '@slack/web-api';
import { combineMessages, messageRuns } from '../render/combine';
import type { SlackMessage } from '../render/render';
import { claimChannelSlot } from './channel-slot';
import { classifySlackError } from './classify';
import { createReconciler } from './reconcile';

export interface Poster {
  post(channel: string, message: SlackMessage, ctx: JobContext): Promise<void>;
}

export interface PosterOptions {
  /** Least time between two messages in one channel; 0 = no pace. */
  channelIntervalMs: number;
  /** Most deliveries one message carries; 1 = a message per delivery. */
  deliveriesPerMessage: number;
}

interface Delivery {
  channel: string;
  message: SlackMessage;
  ctx: JobContext;
}

/** How one delivery's post ended: undefined when it is in the channel (posted now, or found posted earlier). */
type Outcome = Error | undefined;

// Deliveries that reach the poster a few milliseconds apart (the jobs that a channel's freed slot lets through)
// still share a message; a linger that gathers nobody is backed off by the batcher.
const GATHER_MS = 20;

const asError = (caught: unknown): Error => (caught instanceof Error ? caught : new Error(String(caught)));

/**
 * Posts what the worker hands over together (the events of a batch job run side by side, and deliveries a few
 * milliseconds apart) as one message per channel and run of up to `deliveriesPerMessage`, within Slack's 50
 * blocks. Slack takes about one message per second per channel, so a burst posted this way gets through several
 * times faster, at one HTTP call per message. Each delivery still succeeds or fails on its own: the message's
 * error is each of its deliveries' error, and the kit retries or dead-letters each one. In dry-run it logs what it
 * would post. Shared by both consumers, so webhook messages and dead-letter alerts are paced and reconciled alike.
 */
export function createPoster(client: WebClient, options: PosterOptions): Poster {
  const reconciler = createReconciler(client);

  async function send(channel: string, deliveries: Delivery[]): Promise<Outcome> {
    const { text, blocks } = combineMessages(deliveries.map((delivery) => delivery.message));
    try {
      await client.chat.postMessage({
        channel,
        text,
        blocks,
        metadata: slackDeliveryMetadata(deliveries.map((delivery) => delivery.ctx.deliveryId)),
        unfurl_links: false,
        unfurl_media: false,
      });
    } catch (error) {
      const classified = classifySlackError(error);
      // A refusal or a 429 means Slack did not post; anything else (timeout, 5xx, reset) may have posted.
      if (!(classified instanceof PermanentError || classified instanceof RateLimitError)) {
        await Promise.all(deliveries.map((delivery) => reconciler.keepForReplay(delivery.ctx)));
      }
      return classified;
    }
    const shared = deliveries.length;
    for (const { ctx } of deliveries) ctx.log.info({ channel, messageDeliveries: shared }, 'posted to Slack');
    return undefined;
  }

  /** One message's worth of deliveries for one channel. */
  async function postRun(channel: string, run: Delivery[]): Promise<Outcome[]> {
    // The slot comes first: a delivery put back for it has not attempted anything worth reconciling.
    await claimChannelSlot(run[0]!.ctx, channel, options.channelIntervalMs);
    const found = await Promise.all(run.map(({ ctx }) => reconciler.alreadyPosted(channel, ctx).catch(asError)));
    const toPost = run.filter((_delivery, index) => found[index] === false);
    const sent = toPost.length > 0 ? await send(channel, toPost) : undefined;
    return run.map((delivery, index) => {
      const earlier = found[index]!;
      if (earlier instanceof Error) return earlier;
      if (earlier) delivery.ctx.log.info({ channel }, 'already posted; reconciled');
      return earlier ? undefined : sent;
    });
  }

  async function postTogether(deliveries: Delivery[]): Promise<Outcome[]> {
    const byChannel = new Map<string, Delivery[]>();
    for (const delivery of deliveries) {
      const list = byChannel.get(delivery.channel);
      if (list) list.push(delivery);
      else byChannel.set(delivery.channel, [delivery]);
    }
    const outcomes = new Map<Delivery, Outcome>();
    const runs = [...byChannel].flatMap(([channel, list]) =>
      messageRuns(list, (delivery) => delivery.message, options.deliveriesPerMessage).map((run) => ({ channel, run })),
    );
    await Promise.all(
      runs.map(async ({ channel, run }) => {
        const ended = await postRun(channel, run).catch((caught: unknown) => run.map(() => asError(caught)));
        run.forEach((delivery, index) => outcomes.set(delivery, ended[index]));
      }),
    );
    return deliveries.map((delivery) => outcomes.get(delivery));
  }

  const batcher = createBatcher<Delivery, Outcome>({
    write: postTogether,
    maxBatch: 1_000,
    lingerMs: GATHER_MS,
    lingerBelow: options.deliveriesPerMessage,
  });

  return {
    async post(channel, message, ctx) {
      if (ctx.dryRun) {
        ctx.log.info({ channel, message }, 'dry-run: message rendered, not posted');
        return;
      }
      const error = await batcher.push({ channel, message, ctx });
      if (error) throw error;
    },
  };
}
