import type { Static } from '@sinclair/typebox';
import * as schemas from './schemas';

/** Every webhook type Influencer Hero sends, keyed by its slug. */
export const webhookSchemas = {
  new_payout_request: schemas.NewPayoutRequest,
  new_max_bid: schemas.NewMaxBid,
  update_discount_code: schemas.UpdateDiscountCode,
  update_custom_link: schemas.UpdateCustomLink,
  update_commission: schemas.UpdateCommission,
  product_sent: schemas.ProductSent,
  new_email_sent: schemas.NewEmailSent,
  new_influencer_reply: schemas.NewInfluencerReply,
  new_influencer_order: schemas.NewInfluencerOrder,
  new_influencer_post: schemas.NewInfluencerPost,
  media_kpi_updated: schemas.MediaKpiUpdated,
} as const;

export type WebhookType = keyof typeof webhookSchemas;
export type WebhookPayload<T extends WebhookType = WebhookType> = Static<(typeof webhookSchemas)[T]>;

export const webhookTypes = Object.keys(webhookSchemas) as WebhookType[];

export function isWebhookType(value: string): value is WebhookType {
  return Object.hasOwn(webhookSchemas, value);
}
