import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureText } from '@herohooks/contracts/fixtures';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from '@herohooks/signing';
import { NOW_S, SECRET, signedWebhook, startTestIngress, type TestIngress } from '../test-support';

let ingress: TestIngress | undefined;
afterEach(async () => {
  await ingress?.close();
  ingress = undefined;
});

/** The app still accepts a normal delivery after whatever came before. */
async function stillServes(app: TestIngress['app']) {
  const response = await app.inject(signedWebhook('new_payout_request', fixtureText('new_payout_request')));
  expect(response.statusCode).toBe(202);
}

describe('hostile bodies, signed correctly', () => {
  const cases: [string, string | Buffer, number, string][] = [
    ['a __proto__ key', '{"deal_info":{},"__proto__":{"polluted":true}}', 400, 'forbidden_key'],
    ['an escaped \\u005f_proto__ key', '{"a":{"\\u005f_proto__":{"polluted":true}}}', 400, 'forbidden_key'],
    ['a constructor.prototype key', '{"constructor":{"prototype":{"polluted":true}}}', 400, 'forbidden_key'],
    ['JSON nested 10,000 levels deep', `${'['.repeat(10_000)}${']'.repeat(10_000)}`, 400, 'json_too_deep'],
    [
      'invalid UTF-8',
      Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
      400,
      'invalid_utf8',
    ],
    ['a bare string', '"just a string"', 422, 'schema_mismatch'],
  ];

  it.each(cases)('refuses %s with a 4xx, queues nothing, and keeps serving', async (_name, body, status, code) => {
    ingress = await startTestIngress();
    const response = await ingress.app.inject(signedWebhook('new_influencer_post', body));
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await ingress.inbox.count()).toBe(0);
    await stillServes(ingress.app);
  });

  it('keeps the last value of a duplicated key, exactly as JSON.parse reads the signed bytes', async () => {
    ingress = await startTestIngress();
    const response = await ingress.app.inject(
      signedWebhook('new_influencer_post', '{"deal_id":"first","deal_id":"last"}'),
    );
    expect(response.statusCode).toBe(202);
    const event = await ingress.inbox.event(response.json().id);
    expect(event?.payload).toEqual({ deal_id: 'last' });
  });

  it('accepts a plain "constructor" key, which cannot pollute anything', async () => {
    ingress = await startTestIngress();
    const response = await ingress.app.inject(signedWebhook('new_influencer_post', '{"constructor":"x"}'));
    expect(response.statusCode).toBe(202);
  });
});

describe('hostile transport', () => {
  it('closes a request whose body trickles in slower than the request timeout, and keeps serving', async () => {
    ingress = await startTestIngress({ requestTimeoutMs: 300 });
    await ingress.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = ingress.app.server.address() as { port: number };
    const body = fixtureText('new_payout_request');
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.write(
      [
        'POST /webhooks/influencer-hero/new_payout_request HTTP/1.1',
        'Host: 127.0.0.1',
        'Content-Type: application/json',
        `${SIGNATURE_HEADER}: ${sign(body, SECRET)}`,
        `${TIMESTAMP_HEADER}: ${NOW_S}`,
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body.slice(0, 10),
      ].join('\r\n'),
    );
    const trickle = setInterval(() => socket.writable && socket.write(' '), 100);
    await closed;
    clearInterval(trickle);
    expect(Buffer.concat(received).toString()).toMatch(/^HTTP\/1\.1 408/);
    expect(await ingress.inbox.count()).toBe(0);
    const response = await fetch(`http://127.0.0.1:${port}/webhooks/influencer-hero/new_payout_request`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: sign(body, SECRET),
        [TIMESTAMP_HEADER]: NOW_S,
      },
      body,
    });
    expect(response.status).toBe(202);
  });

  it('answers a Content-Length that overstates the limit with 413 before reading the body', async () => {
    ingress = await startTestIngress({ config: { bodyLimitBytes: 1_024 } });
    const response = await ingress.app.inject({
      ...signedWebhook('new_influencer_post', '{}'),
      headers: { ...signedWebhook('new_influencer_post', '{}').headers, 'content-length': '999999' },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('body_too_large');
    await stillServes(ingress.app);
  });
});
