import {
  INBOX_BATCH,
  WebhookEventSchema,
  catalog,
  inboxCopiesKey,
  inboxEvents,
  jobOptions,
  type ConsumerName,
  type InboxJob,
  type WebhookEvent,
} from '@herohooks/contracts';
import { PermanentError, type ConsumerHandler } from '@herohooks/worker-kit';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FlowProducer } from 'bullmq';
import { consumersFor, type RoutingTable } from './routing';

/** A closing FlowProducer wrote nothing: the batch fails and is retried rather than completed without a fan-out. */
export class FanOutNotWrittenError extends Error {
  override readonly name = 'FanOutNotWrittenError';

  constructor() {
    super('the fan-out was not written: the router is shutting down');
  }
}

const webhookEvent = TypeCompiler.Compile(WebhookEventSchema);

/**
 * Fans each inbox batch out with one FlowProducer.addBulk, which is one MULTI: each subscribed consumer gets one
 * batch job holding the batch's events routed to it, and every consumer gets its events or none does. Deliveries the
 * ingress answered as copies (listed in the batch's copies hash) are left out. Each job's id is the inbox batch's
 * id, so a retried fan-out (router crashed after the write, before completing the inbox job) adds nothing twice
 * while the jobs are kept; the consumers' own idempotency per delivery covers the rest. An event that does not match
 * the schema (e.g. a type this router does not know yet) goes back to the inbox alone, in the same write, where it
 * fails permanently and is dead-lettered by itself.
 */
export function fanOutHandler(flows: FlowProducer, table: RoutingTable): ConsumerHandler<InboxJob> {
  return {
    consumer: 'inbox',
    idempotency: 'handler',
    async handle(job, ctx) {
      const valid: WebhookEvent[] = [];
      const invalid: unknown[] = [];
      for (const event of inboxEvents(job) as unknown[]) {
        if (webhookEvent.Check(event)) valid.push(event);
        else invalid.push(event);
      }
      if (valid.length === 0 && invalid.length === 1) {
        const first = webhookEvent.Errors(invalid[0]).First();
        throw new PermanentError(`the inbox event does not match the WebhookEvent schema at ${first?.path ?? '/'}`, {
          reason: 'invalid_event',
        });
      }
      // The kit's deliveryId is the inbox job's id: the batch id.
      const copies = await ctx.redis.hgetall(inboxCopiesKey(ctx.prefix, ctx.deliveryId));
      const events = valid.filter((event) => !(event.deliveryId in copies));
      const routed = new Map<ConsumerName, WebhookEvent[]>();
      for (const event of events) {
        for (const consumer of consumersFor(table, event.type)) {
          const batch = routed.get(consumer) ?? [];
          batch.push(event);
          routed.set(consumer, batch);
        }
      }
      const jobs = [
        ...[...routed].map(([consumer, batch]) => ({
          name: INBOX_BATCH,
          queueName: catalog[consumer].queue,
          data: { events: batch },
          opts: jobOptions(catalog[consumer], ctx.deliveryId),
        })),
        ...invalid.map((event, index) => ({
          name: INBOX_BATCH,
          queueName: catalog.inbox.queue,
          data: { events: [event] },
          opts: jobOptions(catalog.inbox, `${ctx.deliveryId}-invalid-${index}`),
        })),
      ];
      if (jobs.length > 0 && !(await flows.addBulk(jobs))) throw new FanOutNotWrittenError();
      ctx.log.info(
        {
          deliveryIds: events.map((event) => event.deliveryId),
          copiesLeftOut: Object.keys(copies).length,
          invalidSplitOff: invalid.length,
          jobs: jobs.length,
        },
        'fanned out',
      );
    },
    async close() {
      await flows.close();
    },
  };
}
