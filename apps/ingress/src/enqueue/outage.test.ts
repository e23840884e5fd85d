import { afterEach, describe, expect, it } from 'vitest';
import { fixtureText } from '@herohooks/contracts/fixtures';
import { testRedisUrl } from '@herohooks/testing/redis';
import { startTcpProxy, type TcpProxy } from '@herohooks/testing/tcp-proxy';
import { waitFor } from '@herohooks/testing/wait';
import { signedWebhook, startTestIngress, type TestIngress } from '../test-support';

let ingress: TestIngress | undefined;
let proxy: TcpProxy | undefined;
afterEach(async () => {
  proxy?.restore();
  await ingress?.close();
  await proxy?.close();
  ingress = proxy = undefined;
});

async function startBehindProxy() {
  proxy = await startTcpProxy(Number(new URL(testRedisUrl()).port || 6379), new URL(testRedisUrl()).hostname);
  ingress = await startTestIngress({ redisUrl: `redis://127.0.0.1:${proxy.port}` });
  return { proxy, ingress };
}

const delivery = (n: number) => signedWebhook('new_influencer_post', JSON.stringify({ n }));

describe('Redis outage', () => {
  it('answers 503 with Retry-After at once while Redis is down, and 202 again once it is back, without a restart', async () => {
    const { proxy, ingress } = await startBehindProxy();
    expect((await ingress.app.inject(delivery(1))).statusCode).toBe(202);

    proxy.cut();
    const started = Date.now();
    const down = await ingress.app.inject(delivery(2));
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toMatch(/^\d+$/);
    expect(down.json().error.code).toBe('queue_unavailable');
    expect(Date.now() - started).toBeLessThan(1_500);
    expect((await ingress.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);

    proxy.restore();
    await waitFor(async () => (await ingress.app.inject(delivery(3))).statusCode === 202, {
      label: 'a 202 after Redis is back',
    });
    expect((await ingress.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const ids = (await ingress.inbox.events()).map((event) => (event.payload as { n: number }).n).sort();
    expect(ids).toEqual([1, 3]);
  });

  it('answers 503 after the acknowledgement deadline when Redis hangs; a retry after recovery is then a duplicate or a 202, never lost', async () => {
    const { proxy, ingress } = await startBehindProxy();
    expect((await ingress.app.inject(delivery(1))).statusCode).toBe(202);

    proxy.stall();
    const hung = await ingress.app.inject(delivery(2));
    expect(hung.statusCode).toBe(503);
    expect(hung.headers['retry-after']).toBeDefined();

    proxy.restore();
    const retried = await waitFor(
      async () => {
        const response = await ingress.app.inject(delivery(2));
        return response.statusCode < 300 ? response : undefined;
      },
      { label: 'the retry to be accepted' },
    );
    expect([200, 202]).toContain(retried.statusCode);
    const payloads = (await ingress.inbox.events()).map((event) => (event.payload as { n: number }).n).sort();
    expect(payloads).toEqual([1, 2]);
  });
});
