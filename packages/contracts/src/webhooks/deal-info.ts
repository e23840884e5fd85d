import { Type } from '@sinclair/typebox';

/** Schemas accept fields the platform adds later: extra properties are kept, never rejected. */
export const open = { additionalProperties: true } as const;

export const DealInfo = Type.Object(
  {
    deal_name: Type.Optional(Type.String()),
    is_active: Type.Optional(Type.Boolean()),
    dealflow_funnel_step: Type.Optional(Type.Integer()),
    dealflow_type: Type.Optional(Type.String()),
    dealflow_name: Type.Optional(Type.String()),
    picture_url: Type.Optional(Type.String()),
    nr_followers: Type.Optional(Type.Integer()),
    full_name: Type.Optional(Type.String()),
    platform: Type.Optional(Type.String()),
    profile_url: Type.Optional(Type.String()),
  },
  { ...open, $id: 'DealInfo' },
);

/** Unix seconds as a string, e.g. "1693427202". */
export const WebhookTimestamp = Type.String({ pattern: '^[0-9]{1,12}$' });

export const NullableString = Type.Union([Type.String(), Type.Null()]);
export const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
