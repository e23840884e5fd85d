import { catalog, jobOptions, type WebhookEvent } from '@herohooks/contracts';
import type { ConsumerHandler } from '@herohooks/worker-kit';
import type { FlowProducer } from 'bullmq';
import { consumersFor, type RoutingTable } from './routing';

/**
 * Fans one inbox event out to every subscribed consumer queue. FlowProducer.addBulk writes all the jobs in one
 * MULTI: every consumer gets the event or none does. Each job's id is the delivery id, so a retried fan-out
 * (router crashed after the write, before completing the inbox job) adds nothing twice.
 */
export function fanOutHandler(flows: FlowProducer, table: RoutingTable): ConsumerHandler<WebhookEvent> {
  return {
    consumer: 'inbox',
    idempotency: 'handler',
    async handle(event, ctx) {
      const targets = consumersFor(table, event.type);
      if (targets.length === 0) {
        ctx.log.info('no consumer subscribes to this type');
        return;
      }
      await flows.addBulk(
        targets.map((consumer) => ({
          name: event.type,
          queueName: catalog[consumer].queue,
          data: event,
          opts: jobOptions(catalog[consumer], event.deliveryId),
        })),
      );
      ctx.log.debug({ targets }, 'fanned out');
    },
    close: () => flows.close(),
  };
}
