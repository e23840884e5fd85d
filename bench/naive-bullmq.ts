import { createHmac, timingSafeEqual } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Queue } from 'bullmq';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';

/**
 * What the naive design does with one webhook, whatever HTTP framework carries it: verify the HMAC of the raw body,
 * parse it, one BullMQ `add` (no deduplication, no schema, no batching, no logging).
 */
export async function naiveAccept(
  queue: Queue,
  secret: string,
  raw: Buffer,
  signature: unknown,
): Promise<{ status: number; body: object }> {
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(String(signature ?? ''), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { status: 401, body: {} };
  const job = await queue.add('webhook', JSON.parse(raw.toString('utf8')), { removeOnComplete: true });
  return { status: 202, body: { id: job.id, duplicate: false } };
}

export const NAIVE_QUEUE = 'naive';

/**
 * The queue the naive servers write to, on a connection that fails at once while Redis is away. `close` closes
 * both: BullMQ leaves a connection it was given open, which would keep the server's process alive after a SIGTERM.
 */
export function naiveQueue(redisUrl: string, prefix: string): { queue: Queue; close(): Promise<void> } {
  const connection = new Redis(redisUrl, { enableOfflineQueue: false });
  const queue = new Queue(NAIVE_QUEUE, { connection, prefix });
  return { queue, close: () => queue.close().then(() => connection.disconnect()) };
}

/**
 * The naive design on Fastify, for calibration (naiveAccept per request). It shows what one durable write per
 * request costs on the machine of the run, beside which the ingress' extra work (dedup, validation,
 * observability) can be read.
 */
export async function startNaiveBullmq(redisUrl: string, prefix: string, secret: string, port = 0): Promise<FastifyInstance> {
  const { queue, close } = naiveQueue(redisUrl, prefix);
  const app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.post('/webhooks/influencer-hero/:type', async (request, reply) => {
    const { status, body } = await naiveAccept(queue, secret, request.body as Buffer, request.headers['x-influencerhero-signature']);
    return reply.code(status).send(body);
  });
  app.addHook('onClose', close);
  await app.listen({ port, host: '127.0.0.1' });
  return app;
}

// Run alone (the benchmark starts it as a child process).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const env = process.env;
  const app = await startNaiveBullmq(env.REDIS_URL!, env.QUEUE_PREFIX!, env.IH_WEBHOOK_SECRETS!, Number(env.PORT ?? 0));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void app.close());
}
