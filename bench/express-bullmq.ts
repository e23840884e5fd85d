import type { Server } from 'node:http';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import express from 'express';
import { naiveAccept, naiveQueue } from './naive-bullmq';

/**
 * The peer the issue asks for: the same naive design (naiveAccept: HMAC, parse, one BullMQ `add` per request) on
 * Express 5, the usual hand-rolled receiver of a same-stack shop. Only its receiving side is measured, which is what
 * the ingress benchmark compares; its writes go to a queue nothing consumes.
 */
export async function startExpressBullmq(redisUrl: string, prefix: string, secret: string, port = 0): Promise<Server> {
  const { queue, close } = naiveQueue(redisUrl, prefix);
  const app = express();
  app.get('/healthz', (_request, response) => void response.json({ status: 'ok' }));
  app.post('/webhooks/influencer-hero/:type', express.raw({ type: () => true, limit: '1mb' }), async (request, response) => {
    const { status, body } = await naiveAccept(queue, secret, request.body as Buffer, request.headers['x-influencerhero-signature']);
    response.status(status).json(body);
  });
  const server = app.listen(port, '127.0.0.1');
  await once(server, 'listening');
  server.on('close', () => void close());
  return server;
}

// Run alone (the benchmark starts it as a child process).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const env = process.env;
  const server = await startExpressBullmq(env.REDIS_URL!, env.QUEUE_PREFIX!, env.IH_WEBHOOK_SECRETS!, Number(env.PORT ?? 0));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void server.close());
}
