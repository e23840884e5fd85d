import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webhookTypes } from '@herohooks/contracts';
import { SECRET, startTestIngress, type TestIngress } from '../../../ingress/src/test-support';
import { runCli } from '../cli';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../command';
import { send } from './send';

// The ingress under test checks timestamps against the real clock here: send stamps "now".
let ingress: TestIngress;
let url: string;
beforeEach(async () => {
  ingress = await startTestIngress({ clock: Date.now });
  url = await ingress.app.listen({ port: 0, host: '127.0.0.1' });
});
afterEach(async () => ingress.close());

async function herohooks(argv: string[], env: NodeJS.ProcessEnv = { IH_WEBHOOK_SECRETS: `${SECRET},other` }) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const code = await runCli(['send', ...argv], [send], { stdout, stderr, env });
  return { code, out, err };
}

describe('herohooks send', () => {
  it('posts every fixture signed with the first IH_WEBHOOK_SECRETS entry and prints type, status and delivery id', async () => {
    const { code, out } = await herohooks(['all', '--url', url]);
    expect(code).toBe(EXIT_OK);
    const lines = out.trim().split('\n').slice(1);
    expect(lines).toHaveLength(webhookTypes.length);
    for (const [index, type] of webhookTypes.entries())
      expect(lines[index]).toMatch(new RegExp(`^${type}\\s+202\\s+[0-9a-f-]{36}$`));
    expect(await ingress.inbox.count()).toBe(webhookTypes.length);
  });

  it('shows a repeated send as 200 (duplicate) and still exits 0', async () => {
    await herohooks(['new_max_bid', '--url', url]);
    const { code, out } = await herohooks(['new_max_bid', '--url', url]);
    expect(code).toBe(EXIT_OK);
    expect(out).toMatch(/new_max_bid\s+200/);
    expect(await ingress.inbox.count()).toBe(1);
  });

  it('posts a file instead of the fixture', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hh-send-'));
    const file = join(dir, 'post.json');
    await writeFile(file, '{"post_information":{"post_url":"https://example.com/p/1"}}');
    const { code } = await herohooks(['new_influencer_post', '--url', url, '--file', file]);
    await rm(dir, { recursive: true });
    expect(code).toBe(EXIT_OK);
    const [event] = await ingress.inbox.events();
    expect(event?.payload).toEqual({ post_information: { post_url: 'https://example.com/p/1' } });
  });

  it('with --count posts that many distinct deliveries and prints throughput and latency percentiles', async () => {
    const { code, out } = await herohooks(['all', '--url', url, '--count', '40', '--concurrency', '8']);
    expect(code).toBe(EXIT_OK);
    expect(out).toMatch(/req\/s\s+p50 ms\s+p99 ms\s+max ms/);
    expect(out).toContain('202×40');
    expect(await ingress.inbox.count()).toBe(40);
  });

  it('exits 1 when a delivery is refused (wrong secret)', async () => {
    const { code, out } = await herohooks(['new_payout_request', '--url', url, '--secret', 'wrong']);
    expect(code).toBe(EXIT_FAILURE);
    expect(out).toMatch(/new_payout_request\s+401\s+bad_signature/);
  });

  it.each([[['nope']], [[]], [['all', '--file', 'x.json']], [['all', '--count', '0']]])(
    'exits 2 on bad usage: %j',
    async (argv) => {
      expect((await herohooks([...argv, '--url', url])).code).toBe(EXIT_USAGE);
    },
  );

  it('exits 2 without any secret', async () => {
    expect((await herohooks(['all', '--url', url], {})).code).toBe(EXIT_USAGE);
  });
});
