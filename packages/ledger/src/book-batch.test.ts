import { webhookTypes, type WebhookType } from '@herohooks/contracts';
import { fixture } from '@herohooks/contracts/fixtures';
import { PermanentError } from '@herohooks/worker-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bookEvents } from './book';
import { bookBatch } from './book-batch';
import { UnbookableEventError } from './errors';
import { faultOnBooking } from './test-faults';
import { eventOf, nonZero, rowsFor, tableCounts, testDrivers, type TestLedger } from './test-ledgers';

/** The rows booking each of these types once writes, summed per table. */
function rowsForAll(types: readonly WebhookType[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const type of types) {
    for (const [table, n] of Object.entries(rowsFor(type))) total[table] = (total[table] ?? 0) + n;
  }
  return total;
}

const product = fixture('product_sent');
/** Passes every check in code; PostgreSQL refuses it (integer out of range), and only after the batch began writing. */
const refusedByDatabase = () =>
  eventOf('product_sent', { ...product, send_product_info: { ...product.send_product_info, line_items: [{ variant_id: 1, quantity: 2 ** 40 }] } });
const payout = fixture('new_payout_request');
const malformedCurrency = () =>
  eventOf('new_payout_request', { ...payout, payout_information: { ...payout.payout_information, payout_currency: 'usd' } });

class InjectedFault extends Error {}

describe.each(testDrivers)('batched booking on $driver', (driver) => {
  let ledger: TestLedger;
  beforeEach(async () => {
    ledger = await driver.create();
  });
  afterEach(async () => {
    await ledger.cleanup();
  });

  it('books a batch of all 11 fixtures in one call, each once, and nothing more when the batch comes again', async () => {
    const events = webhookTypes.map((type) => eventOf(type));
    expect(await bookEvents(ledger.db, events)).toEqual(events.map(() => ({ booked: true })));
    expect(await bookEvents(ledger.db, events)).toEqual(events.map(() => ({ booked: false })));
    expect(nonZero(await tableCounts(ledger.db))).toEqual(rowsForAll(webhookTypes));
    const logged = await ledger.db.query<{ delivery_id: string; type: string }>('SELECT delivery_id, type FROM events');
    expect(new Map(logged.map((r) => [r.delivery_id, r.type]))).toEqual(new Map(events.map((e) => [e.deliveryId, e.type])));
  });

  it('bookEvents is all or nothing: one event the database refuses writes none of the batch', async () => {
    const events = [eventOf('new_payout_request'), refusedByDatabase(), eventOf('new_influencer_order')];
    const attempt = bookEvents(ledger.db, events);
    await expect(attempt).rejects.toBeInstanceOf(UnbookableEventError);
    await expect(attempt).rejects.toMatchObject({ reason: 'sql_22003' });
    expect(nonZero(await tableCounts(ledger.db))).toEqual({});
  });

  it('bookBatch books the good events and fails only the unbookable ones, each with its typed error', async () => {
    const good = webhookTypes.map((type) => eventOf(type));
    const events = [...good.slice(0, 4), refusedByDatabase(), ...good.slice(4, 8), malformedCurrency(), ...good.slice(8)];
    const outcomes = await bookBatch(ledger.db, events);
    const failed = outcomes.flatMap((o, index) => (o.status === 'rejected' ? [[index, o.reason]] : []));
    expect(failed).toHaveLength(2);
    expect(failed.map(([index]) => index)).toEqual([4, 9]);
    for (const [, reason] of failed) expect(reason).toBeInstanceOf(UnbookableEventError);
    expect(failed.map(([, reason]) => (reason as UnbookableEventError).reason)).toEqual(['sql_22003', 'invalid_currency']);
    expect(outcomes.filter((o) => o.status === 'fulfilled').map((o) => o.value)).toEqual(good.map(() => ({ booked: true })));
    expect(nonZero(await tableCounts(ledger.db))).toEqual(rowsForAll(webhookTypes));
  });

  it('books a delivery id that comes twice in one batch once; the first copy wins', async () => {
    const original = eventOf('new_payout_request');
    const copy = { ...original, payload: { ...payout, payout_information: { ...payout.payout_information, payout_amount: 1 } } };
    const outcomes = await bookBatch(ledger.db, [original, eventOf('new_max_bid'), copy]);
    expect(outcomes.map((o) => o.status === 'fulfilled' && o.value.booked)).toEqual([true, true, false]);
    expect(nonZero(await tableCounts(ledger.db))).toEqual(rowsForAll(['new_payout_request', 'new_max_bid']));
    const [row] = await ledger.db.query<{ payout_amount: string }>('SELECT payout_amount FROM payout_requests');
    expect(row!.payout_amount).toBe(String(payout.payout_information.payout_amount));
  });

  it('books delivery ids shared by concurrent batches once, in whatever order the batches hold them', async () => {
    // Large enough that the batches' inserts overlap: in opposite orders they would deadlock without one lock order.
    const events = [...webhookTypes.map((type) => eventOf(type)), ...Array.from({ length: 400 }, () => eventOf('new_max_bid'))];
    const second = await ledger.another();
    const batches = [events, [...events].reverse(), events.slice(100), events.slice(0, 300).reverse()];
    const results = await Promise.all(batches.map((batch, n) => bookBatch(n % 2 ? second : ledger.db, batch)));
    expect(results.flat().every((o) => o.status === 'fulfilled')).toBe(true);
    expect(results.flat().filter((o) => o.status === 'fulfilled' && o.value.booked)).toHaveLength(events.length);
    const counts = rowsForAll(webhookTypes);
    counts.events! += 400;
    counts.max_bid_requests! += 400;
    expect(nonZero(await tableCounts(ledger.db))).toEqual(counts);
  });

  it('throws the retryable error of a batch that failed for another reason than its data, and writes nothing', async () => {
    const events = webhookTypes.map((type) => eventOf(type));
    const failing = faultOnBooking(ledger.db, 'before', () => {
      throw new InjectedFault('connection lost');
    });
    const attempt = bookBatch(failing, events);
    await expect(attempt).rejects.toBeInstanceOf(InjectedFault);
    await expect(attempt).rejects.not.toBeInstanceOf(PermanentError);
    expect(nonZero(await tableCounts(ledger.db))).toEqual({});
    expect((await bookBatch(ledger.db, events)).every((o) => o.status === 'fulfilled' && o.value.booked)).toBe(true);
  });

  it('books a batch too large for one statement in one transaction of several, all or nothing', async () => {
    // 160 shipments of 90 line items: over 65,535 parameters, the most one statement can carry.
    const lineItems = Array.from({ length: 90 }, (_, n) => ({ variant_id: n + 1, quantity: 1 }));
    const events = Array.from({ length: 160 }, () =>
      eventOf('product_sent', { ...product, send_product_info: { ...product.send_product_info, line_items: lineItems } }),
    );
    const failing = faultOnBooking(ledger.db, 'after', () => {
      throw new InjectedFault('connection lost after the first statement');
    });
    await expect(bookBatch(failing, events)).rejects.toBeInstanceOf(InjectedFault);
    expect(nonZero(await tableCounts(ledger.db))).toEqual({});
    const outcomes = await bookBatch(ledger.db, events);
    expect(outcomes.every((o) => o.status === 'fulfilled' && o.value.booked)).toBe(true);
    expect(nonZero(await tableCounts(ledger.db))).toMatchObject({ events: 160, product_shipment_items: 160 * 90 });
  });

  it('books one event too large for one statement (13,200 line items) in chunks', async () => {
    const lineItems = Array.from({ length: 13_200 }, (_, n) => ({ variant_id: n + 1, quantity: 1 }));
    const huge = eventOf('product_sent', { ...product, send_product_info: { ...product.send_product_info, line_items: lineItems } });
    const [outcome] = await bookBatch(ledger.db, [huge, eventOf('new_max_bid')]);
    expect(outcome).toEqual({ status: 'fulfilled', value: { booked: true } });
    expect(nonZero(await tableCounts(ledger.db))).toMatchObject({ events: 2, product_shipment_items: 13_200 });
  });
});
