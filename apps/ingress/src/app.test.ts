import { afterEach, describe, expect, it } from 'vitest';
import { webhookTypes } from '@herohooks/contracts';
import { fixtureText } from '@herohooks/contracts/fixtures';
import { signedWebhook, startTestIngress, type TestIngress } from './test-support';

let ingress: TestIngress | undefined;
afterEach(async () => {
  await ingress?.close();
  ingress = undefined;
});

describe('operational routes', () => {
  it('answers /healthz and /readyz with 200 while Redis answers', async () => {
    ingress = await startTestIngress();
    expect((await ingress.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await ingress.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('counts requests by type and status and records batch sizes in /metrics', async () => {
    ingress = await startTestIngress();
    await ingress.app.inject(signedWebhook('new_payout_request', fixtureText('new_payout_request')));
    await ingress.app.inject(signedWebhook('new_payout_request', '{}', { secret: 'wrong' }));
    const text = (await ingress.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('herohooks_ingress_requests_total{type="new_payout_request",status="202"} 1');
    expect(text).toContain('herohooks_ingress_requests_total{type="new_payout_request",status="401"} 1');
    expect(text).toMatch(/herohooks_ingress_batch_size_count\{queue="inbox"\} 1/);
    expect(text).toMatch(/herohooks_ingress_enqueue_seconds_count\{queue="inbox",outcome="ok"\} 1/);
  });

  it('publishes an OpenAPI document with one route per webhook type and the tracking routes', async () => {
    ingress = await startTestIngress({ config: { trackingApiKeys: ['k'] } });
    const doc = (await ingress.app.inject({ method: 'GET', url: '/docs/json' })).json();
    for (const type of webhookTypes) {
      const operation = doc.paths[`/webhooks/influencer-hero/${type}`]?.post;
      expect(operation?.requestBody, type).toBeDefined();
    }
    expect(doc.paths['/track/clicks']?.post).toBeDefined();
    expect((await ingress.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('answers an unknown route with the error body', async () => {
    ingress = await startTestIngress();
    const response = await ingress.app.inject({ method: 'GET', url: '/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });
});
