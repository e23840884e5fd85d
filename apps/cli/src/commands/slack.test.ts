import { webhookTypes } from '@herohooks/contracts';
import { captureIo } from '@herohooks/testing/capture-io';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli';
import { slack } from './slack';

async function run(argv: string[]) {
  const capture = captureIo({});
  const status = await runCli(argv, [slack], capture.io);
  return { status, stdout: capture.stdout(), stderr: capture.stderr() };
}

describe('herohooks slack preview', () => {
  it('prints the blocks of one type as Block Kit Builder JSON', async () => {
    const { status, stdout } = await run(['slack', 'preview', 'new_payout_request']);
    expect(status).toBe(0);
    const document = JSON.parse(stdout);
    expect(Object.keys(document)).toEqual(['blocks']);
    expect(document.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':moneybag: Payout requested', emoji: true },
    });
    expect(stdout).toContain('*Dwayne Johnson* requested a payout of *$1,500.00*.');
  });

  it('prints one object per type for "all"', async () => {
    const { status, stdout } = await run(['slack', 'preview', 'all']);
    expect(status).toBe(0);
    const document = JSON.parse(stdout);
    expect(Object.keys(document)).toEqual(webhookTypes);
    for (const type of webhookTypes) expect(document[type].blocks.length).toBeGreaterThan(2);
  });

  it.each([
    [['slack']],
    [['slack', 'show', 'all']],
    [['slack', 'preview']],
    [['slack', 'preview', 'nope']],
    [['slack', 'preview', 'all', 'extra']],
    [['slack', 'preview', 'all', '--json']],
  ])('answers bad usage %j with exit 2', async (argv) => {
    const { status, stderr } = await run(argv);
    expect(status).toBe(2);
    expect(stderr).toContain(`usage: ${slack.usage}`);
  });
});
