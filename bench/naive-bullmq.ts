import { createHmac, timingSafeEqual } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Queue } from 'bullmq';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';

/**
 * The naive design, for calibration: verify the HMAC of the raw body, parse it, and one BullMQ `add` per request
 * (no deduplication, no schema, no batching, no logging). It shows what one durable write per request costs on
 * the machine of the run, beside which the ingress' extra work (dedup, validation, observability) can be read.
 */
export async function startNaiveBullmq(redisUrl: string, prefix: string, secret: string, port = 0): Promise<FastifyInstance> {
  const queue = new Queue('naive', { connection: new Redis(redisUrl, { enableOfflineQueue: false }), prefix });
  const app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.post('/webhooks/influencer-hero/:type', async (request, reply) => {
    const raw = request.body as Buffer;
    const expected = createHmac('sha256', secret).update(raw).digest();
    const given = Buffer.from(String(request.headers['x-influencerhero-signature'] ?? ''), 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return reply.code(401).send({});
    const job = await queue.add('webhook', JSON.parse(raw.toString('utf8')), { removeOnComplete: true });
    return reply.code(202).send({ id: job.id, duplicate: false });
  });
  app.addHook('onClose', () => queue.close());
  await app.listen({ port, host: '127.0.0.1' });
  return app;
}

// Run alone (the benchmark starts it as a child process).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const env = process.env;
  const app = await startNaiveBullmq(env.REDIS_URL!, env.QUEUE_PREFIX!, env.IH_WEBHOOK_SECRETS!, Number(env.PORT ?? 0));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void app.close());
}
