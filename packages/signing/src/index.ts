import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-influencerhero-signature';
export const TIMESTAMP_HEADER = 'x-influencerhero-timestamp';

/** Lower-case hex HMAC-SHA256 of the raw body, as Influencer Hero computes it (no prefix). */
export function sign(rawBody: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

export type VerifyFailure =
  | 'missing_signature'
  | 'malformed_signature'
  | 'bad_signature'
  | 'missing_timestamp'
  | 'malformed_timestamp'
  | 'stale_timestamp';

export type VerifyResult = { ok: true; secretIndex: number } | { ok: false; reason: VerifyFailure };

export interface VerifyInput {
  rawBody: Buffer;
  signature: string | undefined;
  timestamp: string | undefined;
}

export interface VerifyOptions {
  /** Any one of these verifies, so a secret can be rotated without downtime. */
  secrets: readonly string[];
  /** Allowed distance between the timestamp header and now, inclusive; 0 turns the check off. */
  toleranceSeconds: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const UNIX_SECONDS = /^[0-9]{1,12}$/;

/** Checks a delivery's signature and timestamp. Never throws; compares in constant time. */
export function verify(input: VerifyInput, options: VerifyOptions): VerifyResult {
  const { signature, timestamp, rawBody } = input;
  if (!signature) return { ok: false, reason: 'missing_signature' };
  // Upper-case or prefixed ("sha256=") values are not what the platform sends: refuse them.
  if (!HEX_SHA256.test(signature)) return { ok: false, reason: 'malformed_signature' };

  const given = Buffer.from(signature, 'hex');
  let matched = -1;
  // Every secret is tried, even after a match, so timing does not reveal which one matched.
  options.secrets.forEach((secret, index) => {
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    if (timingSafeEqual(expected, given) && matched < 0) matched = index;
  });
  if (matched < 0) return { ok: false, reason: 'bad_signature' };

  if (options.toleranceSeconds > 0) {
    if (!timestamp) return { ok: false, reason: 'missing_timestamp' };
    if (!UNIX_SECONDS.test(timestamp)) return { ok: false, reason: 'malformed_timestamp' };
    const nowSeconds = (options.now ?? Date.now)() / 1000;
    if (Math.abs(nowSeconds - Number(timestamp)) > options.toleranceSeconds) {
      return { ok: false, reason: 'stale_timestamp' };
    }
  }
  return { ok: true, secretIndex: matched };
}
