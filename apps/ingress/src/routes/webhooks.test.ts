import { afterEach, describe, expect, it } from 'vitest';
import { webhookTypes, catalog } from '@herohooks/contracts';
import { fixture, fixtureText } from '@herohooks/contracts/fixtures';
import { sign } from '@herohooks/signing';
import type { InjectOptions } from 'fastify';
import { NOW_MS, SECRET, signedWebhook, startTestIngress, type SignOptions, type TestIngress } from '../test-support';

let ingress: TestIngress | undefined;
afterEach(async () => {
  await ingress?.close();
  ingress = undefined;
});

async function start(options: Parameters<typeof startTestIngress>[0] = {}) {
  ingress = await startTestIngress(options);
  return ingress;
}

const payoutText = fixtureText('new_payout_request');

describe('accepted deliveries', () => {
  it('accepts every fixture with 202 and stores its WebhookEvent in the inbox', async () => {
    const { app, inbox } = await start();
    for (const type of webhookTypes) {
      const response = await app.inject(signedWebhook(type, fixtureText(type)));
      expect(response.statusCode, type).toBe(202);
      const answer = response.json();
      expect(answer).toEqual({ id: expect.any(String), type, duplicate: false });
      expect(await inbox.event(answer.id)).toEqual({
        deliveryId: answer.id,
        type,
        receivedAt: new Date(NOW_MS).toISOString(),
        payload: fixture(type),
      });
    }
    expect(await inbox.count()).toBe(webhookTypes.length);
    const [batch] = await inbox.batches();
    expect(batch?.opts.attempts).toBe(catalog.inbox.retry.attempts);
  });

  it('queues a body that starts with a byte order mark as the same value, readable by the router', async () => {
    const { app, inbox } = await start();
    const response = await app.inject(signedWebhook('new_payout_request', `\uFEFF${payoutText}`));
    expect(response.statusCode).toBe(202);
    expect((await inbox.event(response.json().id))?.payload).toEqual(fixture('new_payout_request'));
  });

  it('answers a repeated delivery 200 duplicate with the first delivery id and keeps one job', async () => {
    const { app, inbox } = await start();
    const first = (await app.inject(signedWebhook('new_payout_request', payoutText))).json();
    const again = await app.inject(signedWebhook('new_payout_request', payoutText));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ id: first.id, type: 'new_payout_request', duplicate: true });
    expect(await inbox.count()).toBe(1);
  });

  it('treats the same body under two types as two deliveries', async () => {
    const { app, inbox } = await start();
    const body = JSON.stringify({ any: 'object' });
    expect((await app.inject(signedWebhook('new_influencer_post', body))).statusCode).toBe(202);
    expect((await app.inject(signedWebhook('media_kpi_updated', body))).statusCode).toBe(202);
    expect(await inbox.count()).toBe(2);
  });

  it('stores exactly one job for 50 concurrent identical deliveries; all others are duplicates of it', async () => {
    const { app, inbox } = await start();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => app.inject(signedWebhook('new_payout_request', payoutText))),
    );
    const answers = responses.map((r) => ({ status: r.statusCode, ...r.json() }));
    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200 && a.duplicate && a.id === accepted[0]!.id)).toHaveLength(49);
    expect(await inbox.count()).toBe(1);
  });

  it('verifies with any configured secret, so a secret can be rotated', async () => {
    const { app, inbox } = await start({ config: { webhookSecrets: ['whsec_next', SECRET] } });
    const bodies = ['{"deal_info":{},"a":1}', '{"deal_info":{},"a":2}'];
    expect((await app.inject(signedWebhook('new_influencer_post', bodies[0]!, { secret: SECRET }))).statusCode).toBe(
      202,
    );
    expect(
      (await app.inject(signedWebhook('new_influencer_post', bodies[1]!, { secret: 'whsec_next' }))).statusCode,
    ).toBe(202);
    const other = await app.inject(signedWebhook('new_influencer_post', '{"a":3}', { secret: 'whsec_other' }));
    expect(other.statusCode).toBe(401);
    expect(await inbox.count()).toBe(2);
  });
});

describe('timestamp window', () => {
  const at = (offsetS: number) => String(NOW_MS / 1000 + offsetS);
  const body = (n: number) => JSON.stringify({ n });

  it('accepts exactly ±tolerance and refuses one second beyond on either side', async () => {
    const { app, inbox } = await start();
    const status = async (offset: number, n: number) =>
      (await app.inject(signedWebhook('new_influencer_post', body(n), { timestamp: at(offset) }))).statusCode;
    expect(await status(-300, 1)).toBe(202);
    expect(await status(300, 2)).toBe(202);
    expect(await status(-301, 3)).toBe(401);
    expect(await status(301, 4)).toBe(401);
    expect(await inbox.count()).toBe(2);
  });

  it('ignores the timestamp entirely when the tolerance is 0', async () => {
    const { app } = await start({ config: { toleranceSeconds: 0 } });
    const response = await app.inject(signedWebhook('new_influencer_post', body(1), { timestamp: undefined }));
    expect(response.statusCode).toBe(202);
    const stale = await app.inject(signedWebhook('new_influencer_post', body(2), { timestamp: '1' }));
    expect(stale.statusCode).toBe(202);
  });
});

const payoutMismatch = () => signedWebhook('new_payout_request', '{"payout_information":{"payout_amount":"1500"}}');

describe('refusals (each answers its status and code and writes nothing to Redis)', () => {
  const signature = sign(payoutText, SECRET);
  const big = JSON.stringify({ pad: 'x'.repeat(2_000) });
  const payout = (options: SignOptions) => signedWebhook('new_payout_request', payoutText, options);
  const post = (body: string, options: SignOptions = {}) => signedWebhook('new_influencer_post', body, options);
  const rows: [string, InjectOptions, number, string][] = [
    ['unknown type', signedWebhook('new_thing', payoutText), 404, 'unknown_type'],
    ['unknown type, oversized and unsigned', signedWebhook('new_thing', big, { signature: 'x' }), 404, 'unknown_type'],
    ['body over the limit, even unsigned', post(big, { signature: 'x' }), 413, 'body_too_large'],
    ['no signature header', payout({ signature: undefined }), 401, 'missing_signature'],
    ['empty signature header', payout({ signature: '' }), 401, 'missing_signature'],
    ['wrong signature', payout({ secret: 'nope' }), 401, 'bad_signature'],
    ['upper-case hex signature', payout({ signature: signature.toUpperCase() }), 401, 'malformed_signature'],
    ['sha256= prefixed signature', payout({ signature: `sha256=${signature}` }), 401, 'malformed_signature'],
    ['missing timestamp', payout({ timestamp: undefined }), 401, 'missing_timestamp'],
    ['non-numeric timestamp', payout({ timestamp: 'yesterday' }), 401, 'malformed_timestamp'],
    ['fractional timestamp', payout({ timestamp: '1700000000.5' }), 401, 'malformed_timestamp'],
    ['stale timestamp', payout({ timestamp: '1600000000' }), 401, 'stale_timestamp'],
    ['unsigned text/plain (signature first)', payout({ secret: 'x', contentType: 'text/plain' }), 401, 'bad_signature'],
    ['signed text/plain', payout({ contentType: 'text/plain' }), 415, 'unsupported_media_type'],
    ['signed body without a content type', payout({ contentType: undefined }), 415, 'unsupported_media_type'],
    [
      'JSON in a non-UTF-8 charset',
      payout({ contentType: 'application/json; charset=latin1' }),
      415,
      'unsupported_media_type',
    ],
    [
      'signed form body',
      post('a=1', { contentType: 'application/x-www-form-urlencoded' }),
      415,
      'unsupported_media_type',
    ],
    ['malformed JSON', post('{"payout_information":'), 400, 'malformed_json'],
    ['empty body', post(''), 400, 'malformed_json'],
    ['schema mismatch', payoutMismatch(), 422, 'schema_mismatch'],
    ['a JSON array', post('[]'), 422, 'schema_mismatch'],
  ];

  it.each(rows)('%s', async (_name, request, status, code) => {
    const { app, inbox, keys } = await start({ config: { bodyLimitBytes: 1_024 } });
    const response = await app.inject(request);
    expect(response.statusCode).toBe(status);
    expect(response.json()).toEqual({
      error: { code, message: expect.any(String), ...(status === 422 ? { details: expect.any(Array) } : {}) },
    });
    expect(await inbox.count()).toBe(0);
    expect(await keys()).toEqual([]);
  });

  it('lists each failing path of a schema mismatch', async () => {
    const { app } = await start();
    const body = JSON.stringify({
      payout_information: { payout_amount: '1500', brand_id: 12345 },
      deal_info: { nr_followers: 'many' },
    });
    const response = await app.inject(signedWebhook('new_payout_request', body));
    const paths = response.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/payout_information/payout_amount',
        '/payout_information/brand_id',
        '/payout_information/payout_comment',
        '/payout_information/payout_currency',
        '/deal_info/nr_followers',
      ]),
    );
  });
});
