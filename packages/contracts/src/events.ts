import { Type, type Static } from '@sinclair/typebox';
import { webhookTypes, type WebhookPayload, type WebhookType } from './webhooks/types';

/** What the ingress stores for one accepted delivery, and what every webhook consumer receives. */
export const WebhookEventSchema = Type.Object({
  deliveryId: Type.String({ minLength: 1 }),
  type: Type.Union(webhookTypes.map((t) => Type.Literal(t))),
  /** ISO-8601 time at which the ingress accepted the delivery. */
  receivedAt: Type.String(),
  payload: Type.Record(Type.String(), Type.Unknown()),
});

export type WebhookEvent<T extends WebhookType = WebhookType> = Omit<
  Static<typeof WebhookEventSchema>,
  'type' | 'payload'
> & { type: T; payload: WebhookPayload<T> };
