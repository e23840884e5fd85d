import { Writable } from 'node:stream';
import { fixture } from '@herohooks/contracts/fixtures';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookEvent } from './book';
import { exportLedger, type ExportOptions } from './export';
import { ledgerSummary } from './summary';
import { eventOf, testDrivers, type TestLedger } from './test-ledgers';

const payout = fixture('new_payout_request');
const order = fixture('new_influencer_order');

function payoutOf(amount: number | string, currency: string) {
  return { ...payout, payout_information: { ...payout.payout_information, payout_amount: amount, payout_currency: currency } };
}

function orderOf(revenue: number, commission: number, currency: string) {
  const info = { ...order.order_information, order_revenue: revenue, order_currency: currency };
  return { ...order, order_information: { ...info, account_currency_revenue: revenue, account_currency: currency, paid_commission: commission } };
}

// A known ledger: two days, two currencies.
const day1 = '2025-03-01T10:00:00.000Z';
const day2 = '2025-03-02T10:00:00.000Z';
const known = [
  eventOf('new_payout_request', payoutOf(1500, 'USD'), day1),
  eventOf('new_payout_request', payoutOf(0.1, 'USD'), day1),
  eventOf('new_payout_request', payoutOf('0.2', 'USD'), day2),
  eventOf('new_payout_request', payoutOf(99.99, 'EUR'), day2),
  eventOf('new_influencer_order', orderOf(149.99, 15, 'USD'), day1),
  eventOf('new_influencer_order', orderOf(0.1, 0.01, 'EUR'), day2),
  eventOf('product_sent', fixture('product_sent'), day2),
  eventOf('new_email_sent', fixture('new_email_sent'), day2),
];

function csvRows(text: string): Record<string, string>[] {
  return parse(text, { columns: true }) as Record<string, string>[];
}

async function exported(db: TestLedger['db'], options: ExportOptions): Promise<string> {
  let text = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  await exportLedger(db, options, sink);
  return text;
}

describe.each(testDrivers)('summary and export on $driver', (driver) => {
  let ledger: TestLedger;
  beforeAll(async () => {
    ledger = await driver.create();
    for (const event of known) await bookEvent(ledger.db, event);
  });
  afterAll(async () => {
    await ledger.cleanup();
  });

  it('sums payouts, revenue and commissions per currency exactly and counts events per type', async () => {
    const summary = await ledgerSummary(ledger.db);
    expect(summary.events).toEqual({
      total: 8,
      byType: { new_email_sent: 1, new_influencer_order: 2, new_payout_request: 4, product_sent: 1 },
    });
    expect(summary.currencies).toEqual([
      {
        currency: 'EUR',
        payoutRequests: { count: 1, amount: '99.99' },
        orderRevenue: { count: 1, amount: '0.1' },
        accountCurrencyRevenue: { count: 1, amount: '0.1' },
        paidCommission: { count: 1, amount: '0.01' },
      },
      {
        currency: 'USD',
        payoutRequests: { count: 3, amount: '1500.3' },
        orderRevenue: { count: 1, amount: '149.99' },
        accountCurrencyRevenue: { count: 1, amount: '149.99' },
        paidCommission: { count: 1, amount: '15' },
      },
    ]);
  });

  it('exports a type as CSV with its projection columns and exact amounts', async () => {
    const rows = csvRows(await exported(ledger.db, { format: 'csv', type: 'new_payout_request' }));
    expect(rows.map((r) => [r.payout_amount, r.payout_currency, r.received_at])).toEqual([
      ['1500', 'USD', day1],
      ['0.1', 'USD', day1],
      ['0.2', 'USD', day2],
      ['99.99', 'EUR', day2],
    ]);
    expect(rows[0]!.delivery_id).toBe(known[0]!.deliveryId);
  });

  it('exports only rows received since the given instant', async () => {
    const csv = await exported(ledger.db, { format: 'csv', type: 'new_payout_request', since: new Date(day2) });
    expect(csvRows(csv).map((r) => r.payout_amount)).toEqual(['0.2', '99.99']);
  });

  it('exports the whole event log as one JSON array with payloads as objects', async () => {
    const rows = JSON.parse(await exported(ledger.db, { format: 'json' }));
    expect(rows.map((r: { delivery_id: string }) => r.delivery_id)).toEqual(known.map((e) => e.deliveryId));
    expect(rows[7]).toMatchObject({ type: 'new_email_sent', received_at: day2, payload: fixture('new_email_sent') });
  });

  it('exports a shipment with its line items in one row, and a log-only type from the log', async () => {
    const [shipment] = JSON.parse(await exported(ledger.db, { format: 'json', type: 'product_sent' }));
    expect(shipment.line_items.map((i: { variant_id: string; quantity: number }) => [i.variant_id, i.quantity])).toEqual([
      ['44012345678901', 1],
      ['44012345679022', 2],
    ]);
    const emails = csvRows(await exported(ledger.db, { format: 'csv', type: 'new_email_sent' }));
    expect(emails).toHaveLength(1);
    expect(JSON.parse(emails[0]!.payload!)).toEqual(fixture('new_email_sent'));
  });

  it('writes a header (CSV) or an empty array (JSON) when nothing matches', async () => {
    const since = new Date('2030-01-01T00:00:00Z');
    expect(await exported(ledger.db, { format: 'csv', type: 'new_max_bid', since })).toBe('delivery_id,received_at,deal_id,max_bid_comment\n');
    expect(JSON.parse(await exported(ledger.db, { format: 'json', since }))).toEqual([]);
  });
});
