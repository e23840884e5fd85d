import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '@herohooks/contracts/fixtures';
import { bookEvent, openLedger, type LedgerSummary } from '@herohooks/ledger';
import { captureIo } from '@herohooks/testing/capture-io';
import { createTestSchema, type TestSchema } from '@herohooks/testing/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli';
import { ledger } from './ledger';

const payout = fixture('new_payout_request');

describe('herohooks ledger', () => {
  let schema: TestSchema;
  const run = async (argv: string[], env: NodeJS.ProcessEnv = { DATABASE_URL: schema.url }) => {
    const capture = captureIo(env);
    const status = await runCli(argv, [ledger], capture.io);
    return { status, stdout: capture.stdout(), stderr: capture.stderr() };
  };

  beforeAll(async () => {
    schema = await createTestSchema('cli_ledger');
    const db = await openLedger({ DATABASE_URL: schema.url, LEDGER_DIR: 'unused' });
    const events = [
      { amount: 1500, receivedAt: '2025-03-01T10:00:00.000Z' },
      { amount: 0.1, receivedAt: '2025-03-02T10:00:00.000Z' },
    ].map(({ amount, receivedAt }, i) => ({
      deliveryId: `cli-${i}`,
      type: 'new_payout_request' as const,
      receivedAt,
      payload: { ...payout, payout_information: { ...payout.payout_information, payout_amount: amount } },
    }));
    for (const event of events) await bookEvent(db, event);
    await db.close();
  });
  afterAll(() => schema.drop());

  it('prints the summary as one JSON document with exact sums', async () => {
    const { status, stdout } = await run(['ledger', 'summary', '--json']);
    expect(status).toBe(0);
    const summary = JSON.parse(stdout) as LedgerSummary;
    expect(summary.events).toEqual({ total: 2, byType: { new_payout_request: 2 } });
    expect(summary.currencies[0]).toMatchObject({ currency: 'USD', payoutRequests: { count: 2, amount: '1500.1' } });
  });

  it('prints the summary as tables', async () => {
    const { status, stdout } = await run(['ledger', 'summary']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/new_payout_request\s+2/);
    expect(stdout).toMatch(/USD\s+2\s+1500\.1/);
  });

  it('exports CSV of one type since a date to stdout', async () => {
    const { status, stdout } = await run(['ledger', 'export', '--format', 'csv', '--type', 'new_payout_request', '--since', '2025-03-02']);
    expect(status).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('delivery_id,received_at,deal_id,brand_id,payout_amount,payout_currency,payout_comment');
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(['cli-1']);
  });

  it('exports the event log as JSON', async () => {
    const { status, stdout } = await run(['ledger', 'export', '--format', 'json']);
    expect(status).toBe(0);
    expect((JSON.parse(stdout) as { delivery_id: string }[]).map((r) => r.delivery_id)).toEqual(['cli-0', 'cli-1']);
  });

  it.each([
    [['ledger', 'export', '--format', 'xml']],
    [['ledger', 'export']],
    [['ledger', 'export', '--format', 'csv', '--since', 'yesterday']],
    [['ledger', 'export', '--format', 'csv', '--since', '2025-03-02T10:00:00']],
    [['ledger', 'export', '--format', 'csv', '--type', 'new_coupon']],
    [['ledger', 'summary', '--bogus']],
    [['ledger', 'audit']],
  ])('answers bad usage %j with exit 2', async (argv) => {
    const { status, stderr } = await run(argv);
    expect(status).toBe(2);
    expect(stderr).toContain('usage: herohooks ledger');
  });

  it('uses the embedded ledger in LEDGER_DIR when DATABASE_URL is not set', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hh-cli-ledger-'));
    try {
      const { status, stdout } = await run(['ledger', 'summary', '--json'], { LEDGER_DIR: dir });
      expect(status).toBe(0);
      expect(JSON.parse(stdout)).toEqual({ events: { total: 0, byType: {} }, currencies: [] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
