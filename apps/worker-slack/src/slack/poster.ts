import type { JobContext } from '@herohooks/worker-kit';
import type { WebClient } from '@slack/web-api';
import type { SlackMessage } from '../render/render';
import { claimChannelSlot } from './channel-slot';
import { classifySlackError } from './classify';

export interface Poster {
  post(channel: string, message: SlackMessage, ctx: JobContext): Promise<void>;
}

/** Posts one rendered message per job, or in dry-run logs what it would post. */
export function createPoster(client: WebClient): Poster {
  return {
    async post(channel, message, ctx) {
      if (ctx.dryRun) {
        ctx.log.info({ channel, message }, 'dry-run: message rendered, not posted');
        return;
      }
      await claimChannelSlot(ctx, channel);
      try {
        await client.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks,
          // Lets anyone spot a message posted twice for the same delivery.
          metadata: { event_type: 'herohooks_delivery', event_payload: { delivery_id: ctx.deliveryId } },
          unfurl_links: false,
          unfurl_media: false,
        });
      } catch (error) {
        throw classifySlackError(error);
      }
      ctx.log.info({ channel }, 'posted to Slack');
    },
  };
}
