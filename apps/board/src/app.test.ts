import { catalog, consumerNames } from '@herohooks/contracts';
import { makeDeadLetters } from '@herohooks/testing/dead-letters';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { openQueuePair } from '@herohooks/worker-kit';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app';

const credentials = { username: 'operator', password: 'correct horse battery' };
const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
const operator = { authorization: basic(credentials.username, credentials.password) };

const everyQueue = consumerNames.flatMap((name) => [catalog[name].queue, catalog[name].deadLetterQueue]);

describe('board app', () => {
  const prefix = uniquePrefix('board');
  let redis: Redis;
  let app: FastifyInstance;

  beforeAll(async () => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    app = await buildApp({ credentials, connection: redis, prefix });
  });

  afterAll(async () => {
    await app.close();
    redis.disconnect();
    await dropPrefix(prefix);
  });

  it('answers /healthz without credentials', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it.each([
    ['no credentials', undefined],
    ['a wrong password', basic(credentials.username, 'not the password')],
    ['a wrong username', basic('intruder', credentials.password)],
    ['a malformed header', 'Basic !!!'],
  ])('refuses the UI and its API with %s, challenging and naming no queue', async (_label, authorization) => {
    for (const url of ['/', '/api/queues', `/queue/${catalog.slack.deadLetterQueue}`, '/static/images/logo.svg']) {
      const res = await app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm="herohooks board"/);
      expect(res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      for (const queue of everyQueue) expect(res.body).not.toContain(`"${queue}"`);
    }
  });

  it('refuses a retry action without credentials and leaves the queue alone', async () => {
    const res = await app.inject({ method: 'PUT', url: `/api/queues/${catalog.ledger.queue}/retry/failed` });
    expect(res.statusCode).toBe(401);
  });

  it('serves the UI with the right credentials', async () => {
    const res = await app.inject({ method: 'GET', url: '/', headers: operator });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });

  it('lists every catalog queue and its dead-letter queue, with retry and clean allowed', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/queues',
      headers: operator,
    });
    expect(res.statusCode).toBe(200);
    const queues = (res.json() as { queues: { name: string; readOnlyMode: boolean; allowRetries: boolean }[] }).queues;
    expect(queues.map((q) => q.name).sort()).toEqual([...everyQueue].sort());
    for (const queue of queues) expect(queue).toMatchObject({ readOnlyMode: false, allowRetries: true });
  });

  it('lets the operator retry a failed job in its queue and clean its dead letter', async () => {
    await makeDeadLetters(prefix, 'slack', ['board-replay-1']);
    const pair = openQueuePair('slack', redis, prefix);
    try {
      const retry = await app.inject({
        method: 'PUT',
        url: `/api/queues/${catalog.slack.queue}/board-replay-1/retry`,
        headers: operator,
      });
      expect(retry.statusCode).toBe(204);
      expect(await pair.source.getJobState('board-replay-1')).toBe('waiting');
      const clean = await app.inject({
        method: 'PUT',
        url: `/api/queues/${catalog.slack.deadLetterQueue}/board-replay-1/clean`,
        headers: operator,
      });
      expect(clean.statusCode).toBe(204);
      expect(await pair.deadLetters.getJob('board-replay-1')).toBeUndefined();
    } finally {
      await pair.close();
    }
  });
});
