import { Type, type Static } from '@sinclair/typebox';

/** Sent to the alerts queue once per dead-lettered delivery; worker-slack posts it to SLACK_ALERT_CHANNEL. */
export const DeadLetterAlertSchema = Type.Object({
  consumer: Type.String(),
  deadLetterQueue: Type.String(),
  deliveryId: Type.String(),
  /** Webhook type or tracking kind. */
  type: Type.String(),
  reason: Type.String(),
  failedAt: Type.String(),
  /** For an inbox batch (deliveryId is then the batch id, type `deliveries`): the deliveries it holds. */
  deliveryIds: Type.Optional(Type.Array(Type.String())),
});
export type DeadLetterAlert = Static<typeof DeadLetterAlertSchema>;
