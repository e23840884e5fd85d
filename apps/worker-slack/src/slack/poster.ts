import { slackDeliveryMetadata } from '@herohooks/contracts';
import {
  asError,
  createGather,
  PermanentError,
  RateLimitError,
  sendTogetherOrEach,
  type JobContext,
  type Outcome,
} from '@herohooks/worker-kit';
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

// Deliveries that reach the poster within this time of the first (the jobs that a channel's freed slot lets
// through, one batch job after another) still share a message.
const GATHER_MS = 20;

/** Slack's refusals of what a message holds (one delivery's blocks, or their sum), not of the channel or token. */
const contentRefusals = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'msg_blocks_too_long',
  'invalid_metadata_format',
  'invalid_metadata_schema',
  'metadata_too_large',
]);

const refusesContent = (failure: Error) => failure instanceof PermanentError && contentRefusals.has(failure.reason);

/**
 * Posts what the worker hands over together (the events of a batch job run side by side, and deliveries a few
 * milliseconds apart) as one message per channel and run of up to `deliveriesPerMessage`, within Slack's limits.
 * Slack takes about one message per second per channel, so a burst posted this way gets through several times
 * faster, at one HTTP call per message. Each delivery still succeeds or fails on its own: a message's failure is
 * each of its deliveries' failure, and the kit retries, defers or dead-letters each one; a refused shared message
 * is sent again delivery by delivery, so that only a delivery Slack refuses alone is refused. In dry-run it logs
 * what it would post. Shared by both consumers, so webhook messages and dead-letter alerts are paced alike.
 */
export function createPoster(client: WebClient, options: PosterOptions): Poster {
  const reconciler = createReconciler(client);

  async function send(channel: string, deliveries: readonly Delivery[]): Promise<Outcome> {
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

  /** The channel's slot for one message's worth of deliveries; throws DeferError when it is not now. */
  const claimSlot = (channel: string, run: Delivery[]) =>
    claimChannelSlot({
      channel,
      members: run.map((delivery) => delivery.ctx),
      messages: run.map((delivery) => delivery.message),
      intervalMs: options.channelIntervalMs,
      deliveriesPerMessage: options.deliveriesPerMessage,
    });

  /** One message's worth of deliveries whose slot is now: those not found posted earlier are posted. */
  async function postRun(channel: string, run: Delivery[]): Promise<Outcome[]> {
    const found = await reconciler.alreadyPosted(channel, run.map((delivery) => delivery.ctx));
    const toPost = run.filter((_delivery, index) => found[index] === false);
    const sendTo = (list: readonly Delivery[]) => send(channel, list);
    const sent = toPost.length > 0 ? await sendTogetherOrEach(toPost, sendTo, refusesContent) : [];
    return run.map((delivery, index) => {
      const earlier = found[index]!;
      if (earlier instanceof Error) return earlier;
      if (earlier) delivery.ctx.log.info({ channel }, 'already posted; reconciled');
      return earlier ? undefined : sent[toPost.indexOf(delivery)];
    });
  }

  const gather = createGather<Delivery>({
    destinationOf: (delivery) => delivery.channel,
    // Slots are claimed one run after another, so that they are booked in order (a delivery put back for its
    // slot has attempted nothing worth reconciling); the messages whose slot is now then go side by side, so a
    // job waits one round trip to Slack, not one per message.
    async send(channel, deliveries) {
      const runs = messageRuns(deliveries, (delivery) => delivery.message, options.deliveriesPerMessage);
      const claims: Outcome[] = [];
      for (const run of runs) claims.push(await claimSlot(channel, run).then(() => undefined, asError));
      const outcomes = await Promise.all(
        runs.map((run, index) => {
          const refused = claims[index];
          if (refused) return run.map(() => refused);
          return postRun(channel, run).catch((caught: unknown) => run.map(() => asError(caught)));
        }),
      );
      return outcomes.flat();
    },
    lingerMs: GATHER_MS,
    lingerBelow: options.deliveriesPerMessage,
  });

  return {
    async post(channel, message, ctx) {
      if (ctx.dryRun) {
        ctx.log.info({ channel, message }, 'dry-run: message rendered, not posted');
        return;
      }
      await gather.push({ channel, message, ctx });
    },
  };
}
