import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy answers instead of forwarding. */
export interface FaultAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface FaultProxy {
  /** The target URL with the proxy's origin: same path, so a client is pointed here instead of at the target. */
  url: string;
  close(): Promise<void>;
}

// Hop-by-hop and length headers are the proxy's own business on each leg.
const notForwarded = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * An HTTP proxy on 127.0.0.1 in front of a stub. For each request `decide` either returns a fault, which the
 * proxy answers itself (the stub never sees the request), or undefined, and the request is forwarded unchanged.
 */
export async function startFaultProxy(target: string, decide: (path: string) => FaultAnswer | undefined): Promise<FaultProxy> {
  const origin = new URL(target).origin;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = req.url ?? '/';
    const fault = decide(path);
    if (fault) {
      res.writeHead(fault.status, { 'content-type': 'application/json; charset=utf-8', ...fault.headers }).end(fault.body);
      return;
    }
    const headers = Object.entries(req.headers).filter(([name]) => !notForwarded.has(name)) as [string, string][];
    const answer = await fetch(`${origin}${path}`, { method: req.method, headers, body: body.length ? body : undefined });
    const passed = [...answer.headers].filter(([name]) => !notForwarded.has(name) && name !== 'content-encoding');
    res.writeHead(answer.status, Object.fromEntries(passed)).end(Buffer.from(await answer.arrayBuffer()));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = new URL(target);
  url.host = `127.0.0.1:${port}`;
  return {
    url: url.toString(),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
