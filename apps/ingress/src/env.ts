import { Type, type Static } from '@sinclair/typebox';
import { CommonEnv, Port, csv } from '@herohooks/runtime';

export const IngressEnv = Type.Object({
  ...CommonEnv,
  // At least one non-blank item, so the comma-separated list never comes out empty.
  IH_WEBHOOK_SECRETS: Type.String({ pattern: '[^,\\s]' }),
  IH_TIMESTAMP_TOLERANCE_S: Type.Integer({ minimum: 0, default: 300 }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1, default: 1_048_576 }),
  TRACKING_API_KEYS: Type.Optional(Type.String()),
  PORT: Port(3000),
  HOST: Type.String({ default: '0.0.0.0', minLength: 1 }),
  DEDUP_WINDOW_S: Type.Integer({ minimum: 1, default: 86_400 }),
  ENQUEUE_LINGER_MS: Type.Integer({ minimum: 0, maximum: 1_000, default: 10 }),
});
export type IngressEnv = Static<typeof IngressEnv>;

/** What the HTTP app needs to know, independent of where it came from. */
export interface IngressConfig {
  webhookSecrets: string[];
  toleranceSeconds: number;
  bodyLimitBytes: number;
  /** Empty: the tracking routes are not mounted (404). */
  trackingApiKeys: string[];
}

export function ingressConfig(env: IngressEnv): IngressConfig {
  return {
    webhookSecrets: csv(env.IH_WEBHOOK_SECRETS),
    toleranceSeconds: env.IH_TIMESTAMP_TOLERANCE_S,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    trackingApiKeys: csv(env.TRACKING_API_KEYS),
  };
}
