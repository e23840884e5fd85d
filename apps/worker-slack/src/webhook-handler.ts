import type { WebhookEvent, WebhookType } from '@herohooks/contracts';
import type { ConsumerHandler } from '@herohooks/worker-kit';
import { renderEvent } from './render/render';
import type { Poster } from './slack/poster';

/** The `slack` consumer: each webhook delivery in the channel configured for its type (the poster may share a message). */
export function webhookHandler(channels: Record<WebhookType, string>, poster: Poster): ConsumerHandler<WebhookEvent> {
  return {
    consumer: 'slack',
    idempotency: 'done-mark',
    async handle(event, ctx) {
      await poster.post(channels[event.type], renderEvent(event), ctx);
    },
  };
}
