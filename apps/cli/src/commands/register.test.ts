import { webhookTypes } from '@herohooks/contracts';
import { captureIo } from '@herohooks/testing/capture-io';
import {
  CREATE_WEBHOOK_ROUTE,
  DELETE_WEBHOOK_ROUTE,
  startInfluencerHeroStub,
  type InfluencerHeroStub,
} from '@herohooks/testing/influencer-hero-stub';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli';
import { register } from './register';

const PUBLIC_URL = 'https://hooks.example.com';

describe('herohooks register', () => {
  let stub: InfluencerHeroStub;
  const run = async (argv: string[], env: NodeJS.ProcessEnv = { IH_API_URL: stub.url, IH_API_KEY: stub.apiKey }) => {
    const capture = captureIo(env);
    const status = await runCli(['register', ...argv], [register], capture.io);
    return { status, stdout: capture.stdout(), stderr: capture.stderr() };
  };
  const lines = (stdout: string) => stdout.trim().split('\n');

  beforeEach(async () => {
    stub = await startInfluencerHeroStub();
  });

  afterEach(async () => {
    await stub.close();
  });

  it('registers every webhook type at <public-url>/webhooks/influencer-hero/<type>, one line each', async () => {
    const { status, stdout } = await run(['--public-url', `${PUBLIC_URL}/`]);

    expect(status).toBe(0);
    expect(lines(stdout)).toHaveLength(webhookTypes.length);
    expect([...stub.webhooks].sort()).toEqual(
      webhookTypes.map((type) => `${type} ${PUBLIC_URL}/webhooks/influencer-hero/${type}`).sort(),
    );
    expect(stub.callsTo(CREATE_WEBHOOK_ROUTE)[0]!.body).toEqual({
      webhook_type: webhookTypes[0],
      webhook_url: `${PUBLIC_URL}/webhooks/influencer-hero/${webhookTypes[0]}`,
      prevent_duplicate_webhook: true,
    });
  });

  it('is idempotent: a second run succeeds on 409 and the platform still holds one per type', async () => {
    await run(['--public-url', PUBLIC_URL]);
    const again = await run(['--public-url', PUBLIC_URL]);

    expect(again.status).toBe(0);
    expect(lines(again.stdout).every((line) => line.includes('\talready-registered\t'))).toBe(true);
    expect(stub.callsTo(CREATE_WEBHOOK_ROUTE).filter((call) => call.status === 409)).toHaveLength(webhookTypes.length);
    expect(stub.webhooks.size).toBe(webhookTypes.length);
  });

  it('registers only --types, comma-separated or repeated', async () => {
    const { status } = await run(['--public-url', PUBLIC_URL, '--types', 'new_max_bid,product_sent', '--types', 'new_max_bid']);

    expect(status).toBe(0);
    expect([...stub.webhooks].map((entry) => entry.split(' ')[0]).sort()).toEqual(['new_max_bid', 'product_sent']);
  });

  it('--delete removes the subscriptions and counts "Webhook URL not found" as already deleted', async () => {
    await run(['--public-url', PUBLIC_URL, '--types', 'new_max_bid']);
    const first = await run(['--public-url', PUBLIC_URL, '--types', 'new_max_bid,product_sent', '--delete']);
    const second = await run(['--public-url', PUBLIC_URL, '--types', 'new_max_bid', '--delete']);

    expect(first.status).toBe(0);
    expect(lines(first.stdout).map((line) => line.split('\t')[1])).toEqual(['deleted', 'already-deleted']);
    expect(second.status).toBe(0);
    expect(stub.webhooks.size).toBe(0);
    expect(stub.callsTo(DELETE_WEBHOOK_ROUTE)).toHaveLength(3);
  });

  it('exits 1 and says why when the platform refuses a type', async () => {
    const { status, stdout } = await run(['--public-url', PUBLIC_URL, '--types', 'new_max_bid'], {
      IH_API_URL: stub.url,
      IH_API_KEY: 'wrong-key',
    });

    expect(status).toBe(1);
    expect(stdout).toContain('failed 401: Invalid API key');
  });

  it.each([
    'http://localhost:3000',
    'http://api.localhost',
    'https://printer.local',
    'http://127.0.0.1',
    'http://10.1.2.3',
    'http://172.20.0.1',
    'http://192.168.1.10',
    'http://169.254.169.254',
    'http://[::1]:3000',
    'http://[fd12::1]',
    'http://[::ffff:127.0.0.1]',
    'http://2130706433',
    'ftp://hooks.example.com',
    'not a url',
  ])('refuses %s up front with exit 2 and calls nothing', async (url) => {
    const { status, stderr } = await run(['--public-url', url]);

    expect(status).toBe(2);
    expect(stderr).toMatch(/--public-url/);
    expect(stub.calls).toHaveLength(0);
  });

  it('refuses an unknown type and a missing API key with exit 2', async () => {
    expect((await run(['--public-url', PUBLIC_URL, '--types', 'nope'])).status).toBe(2);
    expect((await run(['--public-url', PUBLIC_URL], { IH_API_URL: stub.url })).status).toBe(2);
    expect(stub.calls).toHaveLength(0);
  });
});
