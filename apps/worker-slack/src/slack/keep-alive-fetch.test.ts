import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { keepAliveFetch } from './keep-alive-fetch';

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

describe('keepAliveFetch', () => {
  it('sends method, headers and body, and answers status, headers and body as the WebClient reads them', async () => {
    const seen: { method?: string; type?: string; body?: string }[] = [];
    const url = await serve(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      seen.push({ method: req.method, type: req.headers['content-type'], body });
      res.writeHead(429, 'Too Many Requests', { 'retry-after': '7', 'content-type': 'application/json' });
      res.end('{"ok":false,"error":"ratelimited"}');
    });
    const answer = await keepAliveFetch()(`${url}chat.postMessage`, {
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

  it('keeps one connection open across calls', async () => {
    const url = await serve((_req, res) => res.end('{"ok":true}'));
    const fetch = keepAliveFetch();
    for (let i = 0; i < 5; i += 1) expect(await (await fetch(url, { method: 'POST', body: 'a=1' })).text()).toBe('{"ok":true}');
    expect(connections).toBe(1);
  });

  it('gives up when the signal aborts (the WebClient timeout)', async () => {
    const url = await serve(() => {}); // never answers
    await expect(keepAliveFetch()(url, { method: 'POST', body: '', signal: AbortSignal.timeout(100) })).rejects.toMatchObject({
      name: expect.stringMatching(/AbortError|TimeoutError/),
    });
  });
});
