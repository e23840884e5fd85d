import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureText } from '@herohooks/contracts/fixtures';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from '@herohooks/signing';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { waitFor } from '@herohooks/testing/wait';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));
const SECRET = 'whsec_main_test_secret';
const prefixes: string[] = [];
afterEach(async () => Promise.all(prefixes.splice(0).map((p) => dropPrefix(p))));

function startMain(env: Record<string, string>, nodeFlags: string[] = []) {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', main], {
    cwd: root,
    env: { PATH: process.env.PATH, REDIS_URL: testRedisUrl(), PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  return { child, output };
}

describe('main', () => {
  it('stops with exit 1 and one line naming the variable when IH_WEBHOOK_SECRETS is missing', async () => {
    const { child, output } = startMain({});
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output.stderr.trim().split('\n')).toHaveLength(1);
    expect(output.stderr).toContain('IH_WEBHOOK_SECRETS');
  });

  it('serves, logs the delivery id but never the secret, signature or payload, and exits 0 on SIGTERM', async () => {
    const prefix = uniquePrefix('main');
    prefixes.push(prefix);
    const { child, output } = startMain({ QUEUE_PREFIX: prefix, IH_WEBHOOK_SECRETS: SECRET });
    const url = await waitFor(() => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output.stdout)?.[1], {
      label: 'the listening line',
      timeoutMs: 20_000,
    });
    const body = fixtureText('new_payout_request');
    const signature = sign(body, SECRET);
    const response = await fetch(`${url}/webhooks/influencer-hero/new_payout_request`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signature,
        [TIMESTAMP_HEADER]: String(Math.floor(Date.now() / 1000)),
      },
      body,
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(output.stdout).toContain(`"deliveryId":"${id}"`);
    expect(output.stdout).toContain('"msg":"stopped"');
    for (const secretOrPayload of [SECRET, signature, 'January bonus payment', 'Dwayne']) {
      expect(output.stdout + output.stderr).not.toContain(secretOrPayload);
    }
  });

  it('never pretenures an allocation site, which started some processes in a slow mode for life', async () => {
    const prefix = uniquePrefix('main');
    prefixes.push(prefix);
    // V8 prints each pretenuring decision to stdout; without no-pretenuring.ts, the start alone (under tsx, whose
    // loading allocates more than the built bundle's) made 6–10.
    const { child, output } = startMain({ QUEUE_PREFIX: prefix, IH_WEBHOOK_SECRETS: SECRET }, [
      '--trace-pretenuring-statistics',
    ]);
    await waitFor(() => output.stdout.includes('Server listening'), { label: 'the listening line', timeoutMs: 20_000 });
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(output.stdout).toContain('"msg":"stopped"');
    // The trace is on (tsx loads before the flag is set, and V8 weighs its sites), and made no decision.
    expect(output.stdout).toContain('pretenuring: ');
    expect(output.stdout).not.toMatch(/pretenuring: AllocationSite.*=> tenure/);
  });
});
