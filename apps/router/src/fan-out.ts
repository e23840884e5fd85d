import { catalog, jobOptions, type WebhookEvent } from '@herohooks/contracts';
import { createBatcher } from '@herohooks/runtime';
import type { ConsumerHandler } from '@herohooks/worker-kit';
import type { FlowProducer } from 'bullmq';
import { consumersFor, type RoutingTable } from './routing';

/** Inbox events fanned out in one write; each waits in its own job until that write was acknowledged. */
const MAX_EVENTS_PER_WRITE = 64;

/**
 * Fans inbox events out to every subscribed consumer queue. The events handled in one event-loop turn are written
 * together with FlowProducer.addBulk, which is one MULTI: every consumer gets an event or none does, and one
 * round trip (and one ioredis pipeline) serves many events. Each job's id is the delivery id, so a retried fan-out
 * (router crashed after the write, before completing the inbox job) adds nothing twice.
 */
export function fanOutHandler(flows: FlowProducer, table: RoutingTable): ConsumerHandler<WebhookEvent> {
  const writes = createBatcher<WebhookEvent, void>({
    maxBatch: MAX_EVENTS_PER_WRITE,
    async write(events) {
      const written = await flows.addBulk(
        events.flatMap((event) =>
          consumersFor(table, event.type).map((consumer) => ({
            name: event.type,
            queueName: catalog[consumer].queue,
            data: event,
            opts: jobOptions(catalog[consumer], event.deliveryId),
          })),
        ),
      );
      // A closing FlowProducer writes nothing and returns undefined: the jobs must then fail and be retried.
      if (!written) throw new Error('the fan-out was not written: the router is shutting down');
      return events.map(() => undefined);
    },
  });
  return {
    consumer: 'inbox',
    idempotency: 'handler',
    async handle(event, ctx) {
      if (consumersFor(table, event.type).length === 0) {
        ctx.log.info('no consumer subscribes to this type');
        return;
      }
      await writes.push(event);
    },
    async close() {
      await writes.drain();
      await flows.close();
    },
  };
}
