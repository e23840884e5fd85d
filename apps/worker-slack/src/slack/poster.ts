import { PermanentError, RateLimitError, type JobContext } from '@herohooks/worker-kit';
import type { WebClient } from '@slack/web-api';
import type { SlackMessage } from '../render/render';
import { claimChannelSlot } from './channel-slot';
import { classifySlackError } from './classify';
import { createReconciler, deliveryMetadata } from './reconcile';

export interface Poster {
  post(channel: string, message: SlackMessage, ctx: JobContext): Promise<void>;
}

/**
 * Posts one rendered message per delivery, or in dry-run logs what it would post. Shared by both consumers, so
 * webhook messages and dead-letter alerts are paced and reconciled alike.
 */
export function createPoster(client: WebClient, channelIntervalMs: number): Poster {
  const reconciler = createReconciler(client);
  return {
    async post(channel, message, ctx) {
      if (ctx.dryRun) {
        ctx.log.info({ channel, message }, 'dry-run: message rendered, not posted');
        return;
      }
      // The slot comes first: a job put back for it has not attempted anything worth reconciling.
      await claimChannelSlot(ctx, channel, channelIntervalMs);
      if (await reconciler.alreadyPosted(channel, ctx)) {
        ctx.log.info({ channel }, 'already posted; reconciled');
        return;
      }
      try {
        await client.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks,
          metadata: deliveryMetadata(ctx.deliveryId),
          unfurl_links: false,
          unfurl_media: false,
        });
      } catch (error) {
        const classified = classifySlackError(error);
        // A refusal or a 429 means Slack did not post; anything else (timeout, 5xx, reset) may have posted.
        if (!(classified instanceof PermanentError || classified instanceof RateLimitError)) await reconciler.keepForReplay(ctx);
        throw classified;
      }
      ctx.log.info({ channel }, 'posted to Slack');
    },
  };
}
