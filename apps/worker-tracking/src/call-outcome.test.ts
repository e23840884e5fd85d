import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { networkOutcome, platformMessage } from './call-outcome';

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the request should have failed'),
    (error: unknown) => error,
  );
}

describe('networkOutcome', () => {
  it('calls a refused connection not sent', async () => {
    const server = createServer();
    const url = await listen(server);
    server.close();
    await once(server, 'close');

    const error = await rejectionOf(fetch(url, { method: 'POST', body: '{}' }));
    expect(networkOutcome(error)).toMatchObject({ kind: 'not_sent', cause: 'ECONNREFUSED' });
  });

  it('calls a connection closed after the request went out unknown', async () => {
    const server = createServer((req) => req.socket.destroy());
    const url = await listen(server);
    try {
      const error = await rejectionOf(fetch(url, { method: 'POST', body: '{}' }));
      expect(networkOutcome(error).kind).toBe('unknown');
    } finally {
      server.close();
    }
  });

  it('calls our own timeout unknown', async () => {
    const server = createServer(() => undefined);
    const url = await listen(server);
    try {
      const error = await rejectionOf(fetch(url, { method: 'POST', body: '{}', signal: AbortSignal.timeout(50) }));
      expect(networkOutcome(error)).toEqual({ kind: 'unknown', cause: 'TimeoutError' });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('platformMessage', () => {
  it('prefers error_message, then message, then the status', () => {
    expect(platformMessage('{"error_message":"Deal not found","message":"x"}', 400)).toBe('Deal not found');
    expect(platformMessage('{"message":"Bad request"}', 400)).toBe('Bad request');
    expect(platformMessage('<html>oops</html>', 502)).toBe('HTTP 502');
  });
});
