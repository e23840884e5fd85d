import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackClient, undiciFetch } from './client';

let server: Server | undefined;
let connections = 0;

async function serve(listener: RequestListener): Promise<string> {
  connections = 0;
  server = createServer(listener);
  server.on('connection', () => (connections += 1));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
}

afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

describe('undiciFetch', () => {
  it('sends method, headers and body, and answers status, headers and body as the WebClient reads them', async () => {
    const seen: { method?: string; type?: string; body?: string }[] = [];
    const url = await serve(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      seen.push({ method: req.method, type: req.headers['content-type'], body });
      res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
      res.end('{"ok":false,"error":"ratelimited"}');
    });
    const answer = await undiciFetch()(`${url}chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'channel=C1&text=hi',
    });
    expect(seen).toEqual([{ method: 'POST', type: 'application/x-www-form-urlencoded', body: 'channel=C1&text=hi' }]);
    expect({ ok: answer.ok, status: answer.status, statusText: answer.statusText }).toEqual({
      ok: false,
      status: 429,
      statusText: 'Too Many Requests',
    });
    expect(answer.headers.get('Retry-After')).toBe('7');
    expect(Object.fromEntries(answer.headers.entries())).toMatchObject({ 'retry-after': '7' });
    expect(await answer.json()).toEqual({ ok: false, error: 'ratelimited' });
  });

  it('keeps its connections open across calls, also when the WebClient leaves a body unread', async () => {
    const url = await serve((_req, res) => res.end('{"ok":true}'));
    const fetch = undiciFetch();
    for (let i = 0; i < 20; i += 1) await fetch(url, { method: 'POST', body: 'a=1' }); // bodies never read
    expect(await (await fetch(url, { method: 'POST', body: 'a=1' })).text()).toBe('{"ok":true}');
    // undici may open a second connection while the first is being released, and then reuses both.
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('gives up when the signal aborts (the WebClient timeout)', async () => {
    const url = await serve(() => {}); // never answers
    await expect(undiciFetch()(url, { method: 'POST', body: '', signal: AbortSignal.timeout(100) })).rejects.toMatchObject({
      name: expect.stringMatching(/AbortError|TimeoutError/),
    });
  });
});

describe('createSlackClient', () => {
  it('does not follow a redirect: the 3xx is an HTTP error (a wrong SLACK_API_URL stays wrong)', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' });
      res.end();
    });
    await expect(createSlackClient('xoxb-test', url).chat.postMessage({ channel: 'C1', text: 'hi' })).rejects.toMatchObject({
      code: ErrorCode.HTTPError,
      statusCode: 302,
    });
  });

  it('does not serialise requests and results for debug lines it does not log (patches/@slack__web-api)', async () => {
    const url = await serve((_req, res) => res.end('{"ok":true,"ts":"1.000100"}'));
    let serialised = 0;
    // The JSON body reads the metadata once; an unpatched WebClient also copies and serialises the whole body
    // for its debug line at every log level, which reads it a second time.
    const metadata = { event_type: 'herohooks_delivery', event_payload: {}, toJSON: () => (serialised += 1) && {} };
    await createSlackClient('xoxb-test', url).chat.postMessage({ channel: 'C1', text: 'hi', metadata });
    expect(serialised).toBe(1);
  });

  it('posts messages as a JSON body with the token in the header, and reads history with a form body', async () => {
    const seen: { path: string | undefined; type: string | undefined; auth: string | undefined; body: string }[] = [];
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ path: req.url, type: req.headers['content-type'], auth: req.headers.authorization, body });
        res.end('{"ok":true,"ts":"1.000100","messages":[]}');
      });
    });
    const client = createSlackClient('xoxb-test', url);
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'a & b = "c"' } }];
    await client.chat.postMessage({ channel: 'C1', text: 'hi', blocks, metadata: { event_type: 'x', event_payload: {} } });
    await client.conversations.history({ channel: 'C1', limit: 200 });
    const json = 'application/json; charset=utf-8';
    expect(seen[0]).toMatchObject({ path: '/api/chat.postMessage', type: json, auth: 'Bearer xoxb-test' });
    expect(JSON.parse(seen[0]!.body)).toEqual({
      channel: 'C1',
      text: 'hi',
      blocks,
      metadata: { event_type: 'x', event_payload: {} },
    });
    expect(seen[1]).toMatchObject({ path: '/api/conversations.history', type: 'application/x-www-form-urlencoded' });
    expect(Object.fromEntries(new URLSearchParams(seen[1]!.body))).toEqual({ channel: 'C1', limit: '200' });
  });
});
