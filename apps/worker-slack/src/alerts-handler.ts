import type { DeadLetterAlert } from '@herohooks/contracts';
import type { ConsumerHandler } from '@herohooks/worker-kit';
import { renderAlert } from './render/alert';
import type { Poster } from './slack/poster';

/**
 * The `alerts` consumer: every dead-lettered delivery (of any consumer) is logged as an error and, when an
 * alert channel is configured, posted there once.
 */
export function alertsHandler(alertChannel: string | undefined, poster: Poster): ConsumerHandler<DeadLetterAlert> {
  return {
    consumer: 'alerts',
    idempotency: 'done-mark',
    async handle(alert, ctx) {
      const { consumer, type, reason } = alert;
      ctx.log.error({ consumer, type, failedDeliveryId: alert.deliveryId, reason }, 'delivery dead-lettered');
      if (alertChannel) await poster.post(alertChannel, renderAlert(alert), ctx);
    },
  };
}
