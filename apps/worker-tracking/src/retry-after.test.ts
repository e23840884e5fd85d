import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_AFTER_MS, retryAfterMs } from './retry-after';

describe('retryAfterMs', () => {
  const now = Date.parse('2025-03-02T18:00:00Z');

  it('reads delay-seconds', () => {
    expect(retryAfterMs('1', now)).toBe(1_000);
    expect(retryAfterMs(' 30 ', now)).toBe(30_000);
  });

  it('reads an HTTP date as the time left until then', () => {
    expect(retryAfterMs('Sun, 02 Mar 2025 18:00:07 GMT', now)).toBe(7_000);
  });

  it('falls back to a minute when the header is missing or unreadable', () => {
    expect(retryAfterMs(null, now)).toBe(DEFAULT_RETRY_AFTER_MS);
    expect(retryAfterMs('soon', now)).toBe(DEFAULT_RETRY_AFTER_MS);
    expect(retryAfterMs('-5', now)).toBe(DEFAULT_RETRY_AFTER_MS);
  });

  it('waits at least a second and at most an hour', () => {
    expect(retryAfterMs('0', now)).toBe(1_000);
    expect(retryAfterMs('Sun, 02 Mar 2025 17:00:00 GMT', now)).toBe(1_000);
    expect(retryAfterMs('999999', now)).toBe(3_600_000);
  });
});
