import { webhookTypes, type WebhookType } from '@herohooks/contracts';
import { fixture } from '@herohooks/contracts/fixtures';
import { PermanentError } from '@herohooks/worker-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bookEvent } from './book';
import { UnbookableEventError } from './errors';
import { eventOf, nonZero, rowsFor, tableCounts, testDrivers, type TestLedger } from './test-ledgers';

describe.each(testDrivers)('bookEvent on $driver', (driver) => {
  let ledger: TestLedger;
  beforeEach(async () => {
    ledger = await driver.create();
  });
  afterEach(async () => {
    await ledger.cleanup();
  });

  it.each(webhookTypes)('books the %s fixture once in the log and its projection, even when booked three times', async (type) => {
    const event = eventOf(type);
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await bookEvent(ledger.db, event));
    expect(results.map((r) => r.booked)).toEqual([true, false, false]);
    expect(nonZero(await tableCounts(ledger.db))).toEqual(rowsFor(type));
    const [logged] = await ledger.db.query<{ payload: unknown; type: string }>(
      'SELECT payload, type FROM events WHERE delivery_id = $1',
      [event.deliveryId],
    );
    expect(logged).toEqual({ payload: fixture(type), type });
  });

  it('books every fixture once when each is booked three times concurrently', async () => {
    const events = webhookTypes.map((type) => eventOf(type));
    const results = await Promise.all(events.flatMap((event) => [1, 2, 3].map(() => bookEvent(ledger.db, event))));
    expect(results.filter((r) => r.booked)).toHaveLength(webhookTypes.length);
    const counts = await tableCounts(ledger.db);
    expect(counts.events).toBe(webhookTypes.length);
    for (const type of webhookTypes) {
      for (const [table, n] of Object.entries(rowsFor(type))) if (table !== 'events') expect(counts[table]).toBe(n);
    }
  });

  it('keeps money exact: 149.99 and 0.1 come back as the same decimal strings and sum exactly', async () => {
    const order = fixture('new_influencer_order');
    for (const revenue of [149.99, 0.1, 0.2]) {
      await bookEvent(ledger.db, eventOf('new_influencer_order', { ...order, order_information: { ...order.order_information, order_revenue: revenue } }));
    }
    const rows = await ledger.db.query<{ order_revenue: string }>('SELECT order_revenue FROM orders ORDER BY id');
    expect(rows.map((r) => r.order_revenue)).toEqual(['149.99', '0.1', '0.2']);
    const [sum] = await ledger.db.query<{ total: string }>('SELECT sum(order_revenue)::text AS total FROM orders');
    expect(sum!.total).toBe('150.29');
  });

  it('stores the order commission rate as the given fraction and commission changes in percent', async () => {
    await bookEvent(ledger.db, eventOf('new_influencer_order'));
    await bookEvent(ledger.db, eventOf('update_commission'));
    const [order] = await ledger.db.query('SELECT commission_rate_fraction, paid_commission, account_currency, ordered_at FROM orders');
    expect(order).toEqual({
      commission_rate_fraction: '0.1',
      paid_commission: '15',
      account_currency: 'USD',
      ordered_at: new Date('2025-03-02T18:41:07Z'),
    });
    const [change] = await ledger.db.query('SELECT old_commission_perc, new_commission_perc FROM commission_changes');
    expect(change).toEqual({ old_commission_perc: '10', new_commission_perc: '15' });
  });

  it('keeps Shopify variant ids above 2^31 exact', async () => {
    await bookEvent(ledger.db, eventOf('product_sent'));
    const items = await ledger.db.query<{ variant_id: string }>('SELECT variant_id FROM product_shipment_items ORDER BY line_no');
    expect(items.map((i) => i.variant_id)).toEqual(['44012345678901', '44012345679022']);
  });

  it('accepts an amount sent as a plain decimal string and keeps its digits', async () => {
    const payout = fixture('new_payout_request');
    await bookEvent(ledger.db, eventOf('new_payout_request', { ...payout, payout_information: { ...payout.payout_information, payout_amount: '1500.00' } }));
    const [row] = await ledger.db.query('SELECT payout_amount, payout_currency FROM payout_requests');
    expect(row).toEqual({ payout_amount: '1500.00', payout_currency: 'USD' });
  });

  it('books an unknown but well-formed currency as given', async () => {
    const payout = fixture('new_payout_request');
    await bookEvent(ledger.db, eventOf('new_payout_request', { ...payout, payout_information: { ...payout.payout_information, payout_currency: 'XYZ' } }));
    const [row] = await ledger.db.query('SELECT payout_currency FROM payout_requests');
    expect(row).toEqual({ payout_currency: 'XYZ' });
  });

  const payout = fixture('new_payout_request');
  const order = fixture('new_influencer_order');
  const product = fixture('product_sent');
  const unbookable: Array<[string, string, WebhookType, object]> = [
    ['an amount string that is not a plain decimal', 'invalid_number', 'new_payout_request', { ...payout, payout_information: { ...payout.payout_information, payout_amount: '1,500' } }],
    ['a malformed currency', 'invalid_currency', 'new_payout_request', { ...payout, payout_information: { ...payout.payout_information, payout_currency: 'usd' } }],
    ['an order revenue without its currency', 'missing_currency', 'new_influencer_order', { ...order, order_information: { ...order.order_information, order_currency: undefined } }],
    ['a payout without its information', 'missing_field', 'new_payout_request', { deal_info: {} }],
    ['a line item whose quantity is not a whole number', 'invalid_number', 'product_sent', { ...product, send_product_info: { ...product.send_product_info, line_items: [{ variant_id: 1, quantity: 1.5 }] } }],
    ['a quantity too large for the column', 'sql_22003', 'product_sent', { ...product, send_product_info: { ...product.send_product_info, line_items: [{ variant_id: 1, quantity: 2 ** 40 }] } }],
  ];

  it.each(unbookable)('refuses %s with a permanent error and writes nothing', async (_label, reason, type, payload) => {
    const attempt = bookEvent(ledger.db, eventOf(type, payload));
    await expect(attempt).rejects.toBeInstanceOf(UnbookableEventError);
    await expect(attempt).rejects.toBeInstanceOf(PermanentError);
    await expect(attempt).rejects.toMatchObject({ reason });
    expect(nonZero(await tableCounts(ledger.db))).toEqual({});
  });

  it('refuses an event of an unknown type or with a bad receivedAt', async () => {
    const bogusType = { ...eventOf('new_max_bid'), type: 'new_coupon' } as unknown as ReturnType<typeof eventOf>;
    await expect(bookEvent(ledger.db, bogusType)).rejects.toMatchObject({ reason: 'unknown_type' });
    await expect(bookEvent(ledger.db, eventOf('new_max_bid', fixture('new_max_bid'), 'yesterday'))).rejects.toMatchObject({
      reason: 'invalid_event',
    });
    expect(nonZero(await tableCounts(ledger.db))).toEqual({});
  });

  it('refuses to rewrite a booked event (the log is append-only)', async () => {
    const event = eventOf('new_payout_request');
    await bookEvent(ledger.db, event);
    await expect(ledger.db.query("UPDATE payout_requests SET payout_amount = 1")).rejects.toThrow();
    await expect(ledger.db.query('DELETE FROM events')).rejects.toThrow();
    expect((await tableCounts(ledger.db)).events).toBe(1);
  });
});
