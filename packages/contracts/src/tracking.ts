import { Type, type Static, type TNever, type TOptional, type TProperties } from '@sinclair/typebox';
import './formats';

// Mirrors POST /v1/crm/new_influencer_click and /v1/crm/new_influencer_referral (shared/influencer-hero.md §5).
// Exactly one collaboration lookup key is allowed; the union below enforces it.

const lookupKeys = ['collab_id', 'deal_id', 'influencer_handle'] as const;
type LookupKey = (typeof lookupKeys)[number];
const NonEmpty = Type.String({ minLength: 1, maxLength: 256 });

/** `key` required, the other lookup keys absent: spelled out as a mapped type so Static<> stays precise. */
type LookupFields<K extends LookupKey> = { [Q in K]: typeof NonEmpty } & {
  [Q in Exclude<LookupKey, K>]: TOptional<TNever>;
};

function exactlyOneLookupKey<P extends TProperties>(fields: P) {
  const variant = <K extends LookupKey>(key: K) =>
    Type.Object(
      {
        ...(Object.fromEntries(
          lookupKeys.map((k) => [k, k === key ? NonEmpty : Type.Optional(Type.Never())]),
        ) as LookupFields<K>),
        ...fields,
      },
      { additionalProperties: false },
    );
  return Type.Union([variant('collab_id'), variant('deal_id'), variant('influencer_handle')]);
}

const BrandId = Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Number()]));

const CountryCode = Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' }));

export const ClickBody = exactlyOneLookupKey({
  increase_clicks: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  brand_id: BrandId,
  country_code: CountryCode,
});

/** What worker-tracking aggregates clicks under: a click body without the count. */
export const ClickBucketKey = exactlyOneLookupKey({ brand_id: BrandId, country_code: CountryCode });

export const ReferralBody = exactlyOneLookupKey({
  order_id: NonEmpty,
  order_revenue: Type.Number({ minimum: 0 }),
  brand_id: BrandId,
  order_commission: Type.Optional(Type.Number({ minimum: 0 })),
  currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
  order_discount_codes_used: Type.Optional(Type.String({ maxLength: 1024 })),
  order_name: Type.Optional(Type.String({ maxLength: 256 })),
  order_notes: Type.Optional(Type.String({ maxLength: 4096 })),
  timestamp: Type.Optional(Type.String({ format: 'date-time' })),
});

export type ClickBody = Static<typeof ClickBody>;
export type ReferralBody = Static<typeof ReferralBody>;
export type ClickBucketKey = Static<typeof ClickBucketKey>;

export const TrackingJobSchema = Type.Union([
  Type.Object({ kind: Type.Literal('click'), id: Type.String(), receivedAt: Type.String(), body: ClickBody }),
  Type.Object({ kind: Type.Literal('referral'), id: Type.String(), receivedAt: Type.String(), body: ReferralBody }),
]);
export type TrackingJob = Static<typeof TrackingJobSchema>;

/**
 * Written by worker-tracking itself, never by the ingress: "send the clicks gathered for `body` in aggregation
 * window `window`" as one call (docs/tracking.md). The count lives in Redis until the window is closed.
 */
export const ClickBatchJobSchema = Type.Object({
  kind: Type.Literal('click_batch'),
  id: Type.String(),
  receivedAt: Type.String(),
  body: ClickBucketKey,
  window: Type.String({ minLength: 1 }),
});
export type ClickBatchJob = Static<typeof ClickBatchJobSchema>;

/** Everything the tracking queue holds. */
export const TrackingQueueJobSchema = Type.Union([TrackingJobSchema, ClickBatchJobSchema]);
export type TrackingQueueJob = Static<typeof TrackingQueueJobSchema>;
