import { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { exportLedger } from './export';
import { testDrivers, type TestLedger } from './test-ledgers';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ROWS = 50_000;
const MB = 1024 * 1024;

function liveHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

describe.each(testDrivers)('export streaming on $driver', (driver) => {
  let ledger: TestLedger | undefined;
  afterEach(async () => {
    await ledger?.cleanup();
  });

  it('exports 50k events of ~1 KB each while the live heap stays far below their total size', async () => {
    ledger = await driver.create();
    await ledger.db.query(
      `INSERT INTO events (delivery_id, type, received_at, payload)
       SELECT 'bulk-' || n, 'new_email_sent', now(), jsonb_build_object('email_information', jsonb_build_object('email_body', repeat('x', 1000), 'n', n))
       FROM generate_series(1, $1::int) AS n`,
      [ROWS],
    );
    const before = liveHeap();
    let peak = 0;
    let rows = 0;
    let bytes = 0;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        const seen = rows;
        rows += chunk.toString().split('\n').length - 1;
        if (Math.floor(rows / 10_000) > Math.floor(seen / 10_000)) peak = Math.max(peak, liveHeap() - before);
        done();
      },
    });
    await exportLedger(ledger.db, { format: 'csv' }, sink);
    expect(rows).toBeGreaterThanOrEqual(ROWS);
    expect(bytes).toBeGreaterThan(50 * MB);
    expect(peak).toBeLessThan(16 * MB);
  }, 180_000);
});
