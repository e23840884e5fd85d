import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { catalog, consumerNames, jobOptions } from '@herohooks/contracts';
import { cancelLoginPrompts, launchChromium } from '@herohooks/testing/chromium';
import { makeDeadLetters, sampleEvent } from '@herohooks/testing/dead-letters';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { openQueuePair } from '@herohooks/worker-kit';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app';

const credentials = { username: 'operator', password: 'correct horse battery' };
const basic = ({ username, password }: typeof credentials) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
const everyQueue = consumerNames.flatMap((name) => [catalog[name].queue, catalog[name].deadLetterQueue]);
const screenshot = fileURLToPath(new URL('../../../.test-results/board.png', import.meta.url));

describe('board in a real browser (headless Chromium)', () => {
  const prefix = uniquePrefix('board-browser');
  const deadDelivery = `dead-${randomUUID()}`;
  const waitingDelivery = `waiting-${randomUUID()}`;
  const deadReason = 'board_browser_check';
  let redis: Redis | undefined;
  let app: FastifyInstance | undefined;
  let browser: Browser | undefined;
  let baseUrl = '';
  /** The Authorization header of every request the board received, as the browser sent it. */
  const authorizations: (string | undefined)[] = [];

  beforeAll(async () => {
    await makeDeadLetters(prefix, 'slack', [deadDelivery], deadReason);
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const email = openQueuePair('email', redis, prefix);
    try {
      const waiting = sampleEvent(waitingDelivery);
      await email.source.add(waiting.type, waiting, jobOptions(catalog.email, waitingDelivery));
    } finally {
      await email.close();
    }
    app = await buildApp({ credentials, connection: redis, prefix });
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    app.server.on('request', (request: IncomingMessage) => authorizations.push(request.headers.authorization));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    redis?.disconnect();
    await dropPrefix(prefix);
  });

  async function openPage(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser!.newContext(options);
    context.setDefaultTimeout(10_000);
    return context.newPage();
  }

  const wrongPassword = { ...credentials, password: 'not the password' };
  it.each([
    ['without credentials (the login prompt cancelled)', async () => cancelLoginPrompts(await openPage()), [undefined]],
    ['with a wrong password', () => openPage({ httpCredentials: wrongPassword }), [undefined, basic(wrongPassword)]],
  ])('answers a page load %s with 401 and a challenge, showing no board', async (_label, open, sent) => {
    authorizations.length = 0;
    const page = await open();
    for (const path of ['/', `/queue/${catalog.slack.deadLetterQueue}`]) {
      const response = await page.goto(baseUrl + path);
      expect(response?.status(), path).toBe(401);
      expect(response?.headers()['www-authenticate']).toMatch(/^Basic realm="herohooks board"/);
      const text = await page.locator('body').innerText();
      expect(JSON.parse(text)).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      expect(await page.locator('main, a').count()).toBe(0);
    }
    expect(new Set(authorizations)).toEqual(new Set(sent));
  });

  it('shows the operator every queue and dead-letter queue, and the dead-lettered job in its queue', async () => {
    const page = await openPage({ httpCredentials: credentials });
    const response = await page.goto(`${baseUrl}/`);
    expect(response?.status()).toBe(200);

    // The overview is rendered by the React app from /api/queues: one card per queue, titled with a link to it.
    const main = page.locator('main');
    const queueLink = (queue: string) => page.getByRole('link', { name: queue, exact: true });
    const queueCard = (queue: string) => main.getByRole('listitem').filter({ has: queueLink(queue) });
    for (const queue of everyQueue) await queueCard(queue).waitFor();
    for (const queue of [catalog.slack.deadLetterQueue, catalog.email.queue]) {
      await queueCard(queue).filter({ hasText: '1 Job' }).waitFor();
    }

    const deadLetters = catalog.slack.deadLetterQueue;
    await queueCard(deadLetters).getByRole('link', { name: deadLetters, exact: true }).click();
    await page.waitForURL(`${baseUrl}/queue/${deadLetters}`);
    const job = main.getByRole('link', { name: deadDelivery, exact: true });
    expect(await job.getAttribute('href')).toBe(`/queue/${deadLetters}/${deadDelivery}`);
    await main.getByRole('heading', { name: sampleEvent(deadDelivery).type }).waitFor();
    await main.getByText(`"${deadReason}"`).waitFor();
    await page.screenshot({ path: screenshot, fullPage: true, animations: 'disabled' });
  });
});
