import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bookEvents } from './book';
import { bookedAmong } from './booked';
import { eventOf, testDrivers, type TestLedger } from './test-ledgers';

describe.each(testDrivers)('bookedAmong on $driver', (driver) => {
  let ledger: TestLedger;
  beforeEach(async () => {
    ledger = await driver.create();
  });
  afterEach(async () => {
    await ledger.cleanup();
  });

  it('names the delivery ids that have an event in the ledger, and only those', async () => {
    const events = [eventOf('new_payout_request'), eventOf('new_influencer_order')];
    await bookEvents(ledger.db, events);
    const ids = [events[1]!.deliveryId, 'never-booked', events[0]!.deliveryId];
    expect(await bookedAmong(ledger.db, ids)).toEqual(new Set([events[0]!.deliveryId, events[1]!.deliveryId]));
    expect(await bookedAmong(ledger.db, [])).toEqual(new Set());
  });
});
