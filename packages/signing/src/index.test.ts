import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sign, verify } from './index';

const body = Buffer.from('{"payout_information":{"payout_amount":1500},"note":"ünïcödé"}');
const now = () => 1_700_000_000_000;
const ts = '1700000000';

function openssl(data: Buffer, secret: string): string {
  const out = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret], { input: data }).toString();
  return out.trim().split(/\s+/).pop()!;
}

describe('sign', () => {
  it('matches openssl dgst -sha256 -hmac for the same body and secret', () => {
    for (const secret of ['whsec_test', 'a much longer secret with spaces and ✓']) {
      expect(sign(body, secret)).toBe(openssl(body, secret));
    }
  });

  it('matches a published RFC 4231 vector (test case 2)', () => {
    expect(sign('what do ya want for nothing?', 'Jefe')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});

describe('verify', () => {
  const signature = openssl(body, 'current');
  const options = { secrets: ['current'], toleranceSeconds: 300, now };

  it('accepts a signature computed by openssl', () => {
    expect(verify({ rawBody: body, signature, timestamp: ts }, options)).toEqual({ ok: true, secretIndex: 0 });
  });

  it('accepts any configured secret so a secret can be rotated', () => {
    const result = verify({ rawBody: body, signature, timestamp: ts }, { ...options, secrets: ['next', 'current'] });
    expect(result).toEqual({ ok: true, secretIndex: 1 });
  });

  it.each([
    ['missing', undefined, 'missing_signature'],
    ['upper-case hex', signature.toUpperCase(), 'malformed_signature'],
    ['prefixed', `sha256=${signature}`, 'malformed_signature'],
    ['truncated', signature.slice(0, 63), 'malformed_signature'],
    ['wrong', signature.replace(/^./, signature[0] === 'a' ? 'b' : 'a'), 'bad_signature'],
  ])('refuses a %s signature', (_name, sig, reason) => {
    expect(verify({ rawBody: body, signature: sig, timestamp: ts }, options)).toEqual({ ok: false, reason });
  });

  it('refuses a body changed by one byte', () => {
    const tampered = Buffer.from(body.toString().replace('1500', '1501'));
    expect(verify({ rawBody: tampered, signature, timestamp: ts }, options)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('accepts timestamps exactly at the tolerance edge and refuses one second beyond, both directions', () => {
    const at = (t: number) => verify({ rawBody: body, signature, timestamp: String(t) }, options);
    expect(at(1_700_000_000 - 300).ok).toBe(true);
    expect(at(1_700_000_000 + 300).ok).toBe(true);
    expect(at(1_700_000_000 - 301)).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(at(1_700_000_000 + 301)).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it.each([
    [undefined, 'missing_timestamp'],
    ['', 'missing_timestamp'],
    ['17e8', 'malformed_timestamp'],
    ['-5', 'malformed_timestamp'],
    ['1700000000.5', 'malformed_timestamp'],
  ])('refuses timestamp %j', (timestamp, reason) => {
    expect(verify({ rawBody: body, signature, timestamp }, options)).toEqual({ ok: false, reason });
  });

  it('skips the timestamp check when the tolerance is 0', () => {
    const result = verify({ rawBody: body, signature, timestamp: undefined }, { ...options, toleranceSeconds: 0 });
    expect(result.ok).toBe(true);
  });
});
