import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { webhookTypes } from '@herohooks/contracts';
import { fixtureText } from '@herohooks/contracts/fixtures';
import { sign } from '@herohooks/signing';
import { NOW_S, SECRET, signedWebhook, startTestIngress, type TestIngress } from '../test-support';

let ingress: TestIngress;
beforeAll(async () => {
  ingress = await startTestIngress({ config: { bodyLimitBytes: 4_096 } });
});
afterAll(async () => ingress.close());

const type = fc.oneof(fc.constantFrom(...webhookTypes), fc.stringMatching(/^[a-z_]{1,24}$/));
const body = fc.oneof(
  fc.string(),
  fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes)),
  fc.json(),
  fc.constantFrom(...webhookTypes).map(fixtureText),
  fc.string({ minLength: 5_000, maxLength: 6_000 }),
);
const contentType = fc.option(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/xml',
    'multipart/form-data',
  ),
  { nil: undefined },
);
const timestamp = fc.option(fc.oneof(fc.constant(NOW_S), fc.string({ maxLength: 14 }), fc.nat().map(String)), {
  nil: undefined,
});
/** "valid" = the real signature of the body; anything else is an attacker's guess. */
const signature = fc.oneof(
  fc.constant('valid' as const),
  fc.constant(undefined),
  fc.stringMatching(/^[0-9a-f]{64}$/),
  fc.stringMatching(/^[0-9A-Fa-f]{0,70}$/),
  fc.string({ maxLength: 80 }),
);

describe('random deliveries (property)', () => {
  it('never answer 5xx, and never enqueue without a valid signature', async () => {
    await fc.assert(
      fc.asyncProperty(type, body, contentType, timestamp, signature, async (t, b, ct, ts, sig) => {
        const valid = sig === 'valid';
        const request = signedWebhook(t, b, {
          signature: valid ? sign(b, SECRET) : sig,
          timestamp: ts,
          contentType: ct,
        });
        const before = await ingress.inbox.count();
        const response = await ingress.app.inject(request);
        expect(response.statusCode).toBeLessThan(500);
        expect(response.json().error?.code ?? response.json().id).toBeDefined();
        if (!valid) {
          expect([401, 404, 413]).toContain(response.statusCode);
          expect(await ingress.inbox.count()).toBe(before);
        }
      }),
      { numRuns: 300 },
    );
  });
});
