import { Type, type Static } from '@sinclair/typebox';
import { DealInfo, NullableNumber, NullableString, WebhookTimestamp, open } from './deal-info';

// Field requirements follow shared/influencer-hero.md §2: "req" is required, documented nulls are allowed,
// and fields whose status the docs do not show stay optional.

export const NewPayoutRequest = Type.Object(
  {
    payout_information: Type.Object(
      {
        payout_comment: Type.String(),
        brand_id: Type.String(),
        payout_currency: Type.String({ minLength: 1 }),
        payout_amount: Type.Number(),
      },
      open,
    ),
    deal_info: DealInfo,
    deal_id: Type.Optional(Type.String()),
  },
  { ...open, $id: 'new_payout_request' },
);

export const NewMaxBid = Type.Object(
  {
    webhook_timestamp: Type.Optional(WebhookTimestamp),
    max_bid_information: Type.Object({ max_bid_comment: Type.Optional(Type.String()) }, open),
    deal_info: DealInfo,
    deal_id: Type.Optional(Type.String()),
  },
  { ...open, $id: 'new_max_bid' },
);

export const UpdateDiscountCode = Type.Object(
  {
    webhook_timestamp: WebhookTimestamp,
    code_information: Type.Object(
      {
        old_discount_code: Type.Optional(NullableString),
        old_discount_perc: Type.Optional(NullableNumber),
        new_discount_code: Type.Optional(NullableString),
        new_discount_perc: Type.Optional(NullableNumber),
      },
      open,
    ),
    collab_id: Type.String(),
    deal_info: Type.Optional(DealInfo),
    deal_id: Type.String(),
  },
  { ...open, $id: 'update_discount_code' },
);

export const UpdateCustomLink = Type.Object(
  {
    webhook_timestamp: WebhookTimestamp,
    custom_link_information: Type.Object(
      {
        old_custom_link: Type.Optional(NullableString),
        old_custom_link_target: Type.Optional(NullableString),
        new_custom_link: Type.Optional(NullableString),
        new_custom_link_target: Type.Optional(NullableString),
      },
      open,
    ),
    deal_info: Type.Optional(DealInfo),
    collab_id: Type.Optional(Type.String()),
    deal_id: Type.Optional(Type.String()),
  },
  { ...open, $id: 'update_custom_link' },
);

export const UpdateCommission = Type.Object(
  {
    webhook_timestamp: WebhookTimestamp,
    commission_information: Type.Object(
      {
        /** Percent units: 15 means 15 %. */
        old_commission_perc: Type.Optional(NullableNumber),
        new_commission_perc: Type.Optional(Type.Number()),
      },
      open,
    ),
    collab_id: Type.String(),
    deal_id: Type.String(),
    deal_info: Type.Optional(DealInfo),
    is_ch_collab: Type.Optional(Type.Boolean()),
  },
  { ...open, $id: 'update_commission' },
);

export const ProductSent = Type.Object(
  {
    send_product_info: Type.Object(
      {
        line_items: Type.Optional(
          Type.Array(
            Type.Object(
              {
                variant_id: Type.Integer(),
                quantity: Type.Integer(),
                variant_name: Type.Optional(Type.String()),
              },
              open,
            ),
          ),
        ),
        customer: Type.Optional(
          Type.Object({ first_name: Type.String(), last_name: Type.String(), email: Type.String() }, open),
        ),
        shipping_address: Type.Optional(Type.Object({ name: Type.String() }, open)),
        phone: Type.Optional(Type.String()),
      },
      open,
    ),
    deal_info: DealInfo,
    deal_id: Type.Optional(Type.String()),
  },
  { ...open, $id: 'product_sent' },
);

export const NewEmailSent = Type.Object(
  {
    webhook_timestamp: WebhookTimestamp,
    email_information: Type.Object(
      {
        sent_from_email_account: Type.Optional(Type.String()),
        recipient: Type.Optional(Type.String()),
        cc_address: Type.Optional(NullableString),
        email_subject: Type.Optional(Type.String()),
        email_body: Type.Optional(Type.String()),
        sent_by_user: Type.Optional(Type.String()),
      },
      open,
    ),
    deal_info: Type.Optional(DealInfo),
    deal_id: Type.Optional(Type.String()),
  },
  { ...open, $id: 'new_email_sent' },
);

export const NewInfluencerReply = Type.Object(
  {
    email_information: Type.Object(
      {
        from_addr: Type.Optional(Type.String()),
        recipient: Type.Optional(Type.String()),
        cc_address: Type.Optional(NullableString),
        email_subject: Type.Optional(Type.String()),
        email_body: Type.Optional(Type.String()),
        /** "YYYY-MM-DD HH:MM:SS", UTC assumed. */
        received_time: Type.Optional(Type.String()),
      },
      open,
    ),
    deal_info: Type.Optional(DealInfo),
    deal_id: Type.Optional(Type.String()),
    deal_url: Type.Optional(Type.String()),
  },
  { ...open, $id: 'new_influencer_reply' },
);

export const NewInfluencerOrder = Type.Object(
  {
    order_information: Type.Object(
      {
        order_id: Type.Optional(Type.String()),
        order_name: Type.Optional(Type.String()),
        order_revenue: Type.Optional(Type.Number()),
        order_currency: Type.Optional(Type.String()),
        account_currency: Type.Optional(Type.String()),
        account_currency_revenue: Type.Optional(Type.Number()),
        paid_commission: Type.Optional(Type.Number()),
        /** A fraction: 0.10 means 10 %. */
        commission_rate: Type.Optional(Type.Number()),
        discount_codes: Type.Optional(NullableString),
        platform: Type.Optional(Type.String()),
        match_types: Type.Optional(NullableString),
        order_timestamp: Type.Optional(Type.String()),
      },
      open,
    ),
    deal_info: DealInfo,
    deal_id: Type.Optional(Type.String()),
    collab_id: Type.Optional(Type.String()),
  },
  { ...open, $id: 'new_influencer_order' },
);

/** No published schema: any JSON object is accepted; the fields below are only what we read when present. */
export const NewInfluencerPost = Type.Object(
  {
    webhook_timestamp: Type.Optional(Type.Unknown()),
    post_information: Type.Optional(Type.Unknown()),
    deal_info: Type.Optional(Type.Unknown()),
    deal_id: Type.Optional(Type.Unknown()),
  },
  { ...open, $id: 'new_influencer_post' },
);

export const MediaKpiUpdated = Type.Object(
  {
    webhook_timestamp: Type.Optional(Type.Unknown()),
    media_information: Type.Optional(Type.Unknown()),
    deal_info: Type.Optional(Type.Unknown()),
    deal_id: Type.Optional(Type.Unknown()),
  },
  { ...open, $id: 'media_kpi_updated' },
);

export type NewPayoutRequest = Static<typeof NewPayoutRequest>;
export type NewMaxBid = Static<typeof NewMaxBid>;
export type UpdateDiscountCode = Static<typeof UpdateDiscountCode>;
export type UpdateCustomLink = Static<typeof UpdateCustomLink>;
export type UpdateCommission = Static<typeof UpdateCommission>;
export type ProductSent = Static<typeof ProductSent>;
export type NewEmailSent = Static<typeof NewEmailSent>;
export type NewInfluencerReply = Static<typeof NewInfluencerReply>;
export type NewInfluencerOrder = Static<typeof NewInfluencerOrder>;
export type NewInfluencerPost = Static<typeof NewInfluencerPost>;
export type MediaKpiUpdated = Static<typeof MediaKpiUpdated>;
export type DealInfo = Static<typeof DealInfo>;
