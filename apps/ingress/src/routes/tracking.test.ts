import { afterEach, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { startTestIngress, type TestIngress } from '../test-support';

let ingress: TestIngress | undefined;
afterEach(async () => {
  await ingress?.close();
  ingress = undefined;
});

const KEY = 'trk_live_key';
const withKeys = () => startTestIngress({ config: { trackingApiKeys: ['trk_old_key', KEY] } });

/** authorization null = no header at all. */
function track(path: string, body: unknown, authorization: string | null = `Bearer ${KEY}`): InjectOptions {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== null) headers.authorization = authorization;
  return { method: 'POST', url: `/track/${path}`, headers, payload: JSON.stringify(body) };
}

function withIdempotencyKey(request: InjectOptions, key: string): InjectOptions {
  return { ...request, headers: { ...request.headers, 'idempotency-key': key } };
}

describe('tracking routes', () => {
  it('do not exist (404) when no TRACKING_API_KEYS are configured', async () => {
    ingress = await startTestIngress();
    const response = await ingress.app.inject(track('clicks', { collab_id: 'c1', increase_clicks: 1 }));
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('not_found');
  });

  it('accept a click with 202 {id} and store one tracking job carrying it', async () => {
    ingress = await withKeys();
    const body = { collab_id: 'collab123', increase_clicks: 3, country_code: 'US' };
    const response = await ingress.app.inject(track('clicks', body));
    expect(response.statusCode).toBe(202);
    const { id } = response.json();
    const job = await ingress.tracking.getJob(id);
    expect(job?.name).toBe('click');
    expect(job?.data).toEqual({ kind: 'click', id, receivedAt: expect.any(String), body });
    expect(await ingress.tracking.count()).toBe(1);
    expect(await ingress.inbox.count()).toBe(0);
  });

  it('accept a referral with any configured key', async () => {
    ingress = await withKeys();
    const body = { deal_id: 'DEAL-1', order_id: '5123', order_revenue: 149.99, timestamp: '2025-03-02T18:41:07Z' };
    const response = await ingress.app.inject(track('referrals', body, 'Bearer trk_old_key'));
    expect(response.statusCode).toBe(202);
    expect((await ingress.tracking.getJob(response.json().id))?.data.kind).toBe('referral');
  });

  it('give a retry with the same Idempotency-Key the same id and keep one job, per kind', async () => {
    ingress = await withKeys();
    const click = withIdempotencyKey(track('clicks', { collab_id: 'c1', increase_clicks: 2 }), 'order-42/attempt');
    const first = await ingress.app.inject(click);
    const retry = await ingress.app.inject(click);
    expect([first.statusCode, retry.statusCode]).toEqual([202, 202]);
    expect(retry.json().id).toBe(first.json().id);
    expect(await ingress.tracking.count()).toBe(1);
    // The same key on the other route is another request, and a request without a key is always new.
    const referral = { deal_id: 'D-1', order_id: '42', order_revenue: 10, timestamp: '2025-03-02T18:41:07Z' };
    const other = await ingress.app.inject(withIdempotencyKey(track('referrals', referral), 'order-42/attempt'));
    const unkeyed = await ingress.app.inject(track('clicks', { collab_id: 'c1', increase_clicks: 2 }));
    expect(new Set([first.json().id, other.json().id, unkeyed.json().id]).size).toBe(3);
    expect(await ingress.tracking.count()).toBe(3);
  });

  it('keep the Idempotency-Key itself out of the job: the id is a hash of it', async () => {
    ingress = await withKeys();
    const key = 'brand-secret-looking-key-123';
    const click = track('clicks', { collab_id: 'c', increase_clicks: 1 });
    const response = await ingress.app.inject(withIdempotencyKey(click, key));
    const job = await ingress.tracking.getJob(response.json().id);
    expect(response.json().id).toMatch(/^click-[0-9a-f]{64}$/);
    expect(JSON.stringify(job?.data)).not.toContain(key);
  });

  const refusals: [string, InjectOptions, number, string][] = [
    ['no Authorization header', track('clicks', { collab_id: 'c', increase_clicks: 1 }, null), 401, 'bad_api_key'],
    ['a wrong bearer key', track('clicks', { collab_id: 'c', increase_clicks: 1 }, 'Bearer nope'), 401, 'bad_api_key'],
    ['the key without "Bearer"', track('clicks', { collab_id: 'c', increase_clicks: 1 }, KEY), 401, 'bad_api_key'],
    ['two lookup keys', track('clicks', { collab_id: 'c', deal_id: 'd', increase_clicks: 1 }), 422, 'schema_mismatch'],
    ['increase_clicks 0', track('clicks', { collab_id: 'c', increase_clicks: 0 }), 422, 'schema_mismatch'],
    [
      'a bad country code',
      track('clicks', { collab_id: 'c', increase_clicks: 1, country_code: 'usa' }),
      422,
      'schema_mismatch',
    ],
    ['a referral without order_id', track('referrals', { collab_id: 'c', order_revenue: 1 }), 422, 'schema_mismatch'],
    [
      'a non-date timestamp',
      track('referrals', { collab_id: 'c', order_id: 'o', order_revenue: 1, timestamp: 'soon' }),
      422,
      'schema_mismatch',
    ],
    [
      'text/plain',
      { ...track('clicks', {}), headers: { authorization: `Bearer ${KEY}`, 'content-type': 'text/plain' } },
      415,
      'unsupported_media_type',
    ],
    ['malformed JSON', { ...track('clicks', {}), payload: '{"collab_id":' }, 400, 'malformed_json'],
    [
      'an Idempotency-Key with a space in it',
      withIdempotencyKey(track('clicks', { collab_id: 'c', increase_clicks: 1 }), 'my key'),
      400,
      'bad_idempotency_key',
    ],
    [
      'an empty Idempotency-Key',
      withIdempotencyKey(track('clicks', { collab_id: 'c', increase_clicks: 1 }), ''),
      400,
      'bad_idempotency_key',
    ],
    [
      'a __proto__ key',
      { ...track('clicks', {}), payload: '{"collab_id":"c","increase_clicks":1,"__proto__":{"x":1}}' },
      400,
      'forbidden_key',
    ],
  ];

  it.each(refusals)('refuse %s and write nothing', async (_name, request, status, code) => {
    ingress = await withKeys();
    const response = await ingress.app.inject(request);
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
    expect(await ingress.keys()).toEqual([]);
  });

  it('name the failing path, not just "union", when two lookup keys are given', async () => {
    ingress = await withKeys();
    const response = await ingress.app.inject(track('clicks', { collab_id: 'c', deal_id: 'd', increase_clicks: 0 }));
    const paths = response.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toContain('/increase_clicks');
    expect(paths.some((p: string) => p === '/deal_id' || p === '/collab_id')).toBe(true);
  });
});
