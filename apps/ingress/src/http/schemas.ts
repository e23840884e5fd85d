import { Type } from '@sinclair/typebox';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@herohooks/signing';

// Route schemas feed the OpenAPI document and the response serializer. Request bodies are checked by the handlers
// (compileSchemaCheck), because a webhook body may only be parsed after its signature was verified.

export const ErrorAnswer = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { description: 'Every error: a snake_case code and one readable sentence (422 adds details: each failing path).' },
);

export const DeliveryAnswer = Type.Object({
  id: Type.String({ description: 'Delivery id; for a duplicate, the id of the first copy.' }),
  type: Type.String(),
  duplicate: Type.Boolean(),
});

export const TrackingAnswer = Type.Object({ id: Type.String() });

export const SignedHeaders = Type.Object({
  [SIGNATURE_HEADER]: Type.String({ description: 'Lower-case hex HMAC-SHA256 of the raw body.' }),
  [TIMESTAMP_HEADER]: Type.String({ description: 'Unix seconds when the webhook was sent.' }),
});

export const TrackingHeaders = Type.Object({
  authorization: Type.String({ description: 'Bearer <one of TRACKING_API_KEYS>' }),
  'idempotency-key': Type.Optional(
    Type.String({
      description:
        '1–255 visible ASCII characters. Send the same key when retrying a request whose answer was lost: ' +
        'it gets the same id, and a click is counted once (within 7 days).',
    }),
  ),
});

export const errorResponses = { '4xx': ErrorAnswer, '5xx': ErrorAnswer } as const;
