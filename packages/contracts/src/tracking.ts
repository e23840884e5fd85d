import { Type, type Static } from '@sinclair/typebox';
import './formats';

// Mirrors POST /v1/crm/new_influencer_click and /v1/crm/new_influencer_referral (shared/influencer-hero.md §5).
// Exactly one collaboration lookup key is allowed; the union below enforces it.

const lookupKeys = ['collab_id', 'deal_id', 'influencer_handle'] as const;
const NonEmpty = Type.String({ minLength: 1, maxLength: 256 });

function exactlyOneLookupKey<P extends Record<string, ReturnType<typeof Type.Optional> | object>>(fields: P) {
  return Type.Union(
    lookupKeys.map((key) =>
      Type.Object(
        {
          [key]: NonEmpty,
          ...Object.fromEntries(lookupKeys.filter((k) => k !== key).map((k) => [k, Type.Optional(Type.Never())])),
          ...fields,
        },
        { additionalProperties: false },
      ),
    ),
  );
}

const BrandId = Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Number()]));

export const ClickBody = exactlyOneLookupKey({
  increase_clicks: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  brand_id: BrandId,
  country_code: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
});

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

export const TrackingJobSchema = Type.Union([
  Type.Object({ kind: Type.Literal('click'), id: Type.String(), receivedAt: Type.String(), body: ClickBody }),
  Type.Object({ kind: Type.Literal('referral'), id: Type.String(), receivedAt: Type.String(), body: ReferralBody }),
]);
export type TrackingJob = Static<typeof TrackingJobSchema>;
