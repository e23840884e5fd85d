import { parseEnv } from '@herohooks/runtime';
import { describe, expect, it } from 'vitest';
import { TrackingEnv, trackingConfig, trackingEnvProblem } from './env';

describe('tracking environment', () => {
  it('requires IH_API_KEY unless TRACKING_DRY_RUN=true', () => {
    expect(trackingEnvProblem(parseEnv(TrackingEnv, {}))).toContain('IH_API_KEY is required');
    expect(trackingEnvProblem(parseEnv(TrackingEnv, { TRACKING_DRY_RUN: 'true' }))).toBeUndefined();
    expect(trackingEnvProblem(parseEnv(TrackingEnv, { IH_API_KEY: 'k' }))).toBeUndefined();
  });

  it('defaults to the public API, a 10 s timeout, a 2 s click window and order_platform "herohooks"', () => {
    const config = trackingConfig(parseEnv(TrackingEnv, { IH_API_KEY: 'k' }));
    expect(config).toEqual({
      api: { baseUrl: 'https://api.influencer-hero.com', apiKey: 'k', timeoutMs: 10_000 },
      orderPlatform: 'herohooks',
      clickWindowMs: 2_000,
    });
  });

  it('refuses a non-http API URL without echoing values', () => {
    expect(() => parseEnv(TrackingEnv, { IH_API_URL: 'ftp://secret-host', IH_API_KEY: 'k' })).toThrow(/IH_API_URL/);
    expect(() => parseEnv(TrackingEnv, { IH_API_URL: 'ftp://secret-host', IH_API_KEY: 'k' })).not.toThrow(/secret-host/);
  });
});
