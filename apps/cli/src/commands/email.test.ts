import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo } from '@herohooks/testing/capture-io';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli';
import { email } from './email';

describe('herohooks email preview', () => {
  let dir: string;
  const run = async (argv: string[]) => {
    const capture = captureIo({});
    const status = await runCli(argv, [email], capture.io);
    return { status, stdout: capture.stdout(), stderr: capture.stderr() };
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hh-email-preview-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes <type>.html and <type>.txt into --out and prints their paths', async () => {
    const out = join(dir, 'nested');
    const { status, stdout } = await run(['email', 'preview', 'new_payout_request', '--out', out]);
    expect(status).toBe(0);
    const html = join(out, 'new_payout_request.html');
    const text = join(out, 'new_payout_request.txt');
    expect(stdout).toBe(`${html}\n${text}\n`);
    expect(await readFile(html, 'utf8')).toMatch(/^<!doctype html>[\s\S]*Dwayne Johnson requested a payout of USD 1,500\.00/);
    expect(await readFile(text, 'utf8')).toContain('Amount: USD 1,500.00');
  });

  it('previews a type without its own template through the generic one', async () => {
    const { status } = await run(['email', 'preview', 'update_commission', '--out', dir]);
    expect(status).toBe(0);
    expect(await readFile(join(dir, 'update_commission.txt'), 'utf8')).toContain('COMMISSION UPDATED');
  });

  it('previews with --deliveries N the email that N deliveries arriving together share', async () => {
    const { status } = await run(['email', 'preview', 'new_max_bid', '--deliveries', '3', '--out', dir]);
    expect(status).toBe(0);
    const html = await readFile(join(dir, 'new_max_bid.html'), 'utf8');
    expect(html.match(/<h1/g)).toHaveLength(3);
    expect(html).toContain('<title>[Max bid request ×3] ');
    expect(await readFile(join(dir, 'new_max_bid.txt'), 'utf8')).toContain(
      'deliveries preview-new_max_bid-1, preview-new_max_bid-2, preview-new_max_bid-3',
    );
  });

  it.each([
    [['email']],
    [['email', 'show', 'new_max_bid']],
    [['email', 'preview']],
    [['email', 'preview', 'nope']],
    [['email', 'preview', 'new_max_bid', 'extra']],
    [['email', 'preview', 'new_max_bid', '--bogus']],
    [['email', 'preview', 'new_max_bid', '--deliveries', '0']],
    [['email', 'preview', 'new_max_bid', '--deliveries', '51']],
    [['email', 'preview', 'new_max_bid', '--deliveries', 'two']],
  ])('answers bad usage %j with exit 2', async (argv) => {
    const { status, stderr } = await run(argv);
    expect(status).toBe(2);
    expect(stderr).toContain('usage: herohooks email preview <type> [--out DIR] [--deliveries N]');
  });
});
