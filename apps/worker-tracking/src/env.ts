import { Bool, loadEnv } from '@herohooks/runtime';
import { WorkerEnv } from '@herohooks/worker-kit';
import { Type, type Static } from '@sinclair/typebox';
import type { TrackingConfig } from './handler';

export const TrackingEnv = Type.Object({
  ...WorkerEnv,
  IH_API_URL: Type.String({ default: 'https://api.influencer-hero.com', pattern: '^https?://' }),
  IH_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
  /** Part of the platform's referral de-duplication key: keep it the same for every order of one store. */
  IH_ORDER_PLATFORM: Type.String({ default: 'herohooks', minLength: 1, maxLength: 64 }),
  IH_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
  /** How long clicks for one (lookup key, brand_id, country_code) are gathered before one call sends them. */
  TRACKING_CLICK_WINDOW_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 2_000 }),
  TRACKING_DRY_RUN: Bool(false),
});
export type TrackingEnv = Static<typeof TrackingEnv>;

/** The one rule a schema cannot say; undefined when the environment is complete. */
export function trackingEnvProblem(env: TrackingEnv): string | undefined {
  return !env.TRACKING_DRY_RUN && !env.IH_API_KEY
    ? 'invalid environment: IH_API_KEY is required unless TRACKING_DRY_RUN=true'
    : undefined;
}

/** For main.ts: parse, or print one line and exit 1. */
export function loadTrackingEnv(): TrackingEnv {
  const env = loadEnv(TrackingEnv);
  const problem = trackingEnvProblem(env);
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
  return env;
}

export function trackingConfig(env: TrackingEnv): TrackingConfig {
  return {
    api: { baseUrl: env.IH_API_URL, apiKey: env.IH_API_KEY ?? '', timeoutMs: env.IH_TIMEOUT_MS },
    orderPlatform: env.IH_ORDER_PLATFORM,
    clickWindowMs: env.TRACKING_CLICK_WINDOW_MS,
  };
}
