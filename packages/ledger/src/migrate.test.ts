import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from './migrate';
import { migrations } from './migrations/index';
import { testDrivers, type TestLedger } from './test-ledgers';

const allVersions = migrations.map((m) => m.version);

describe.each(testDrivers)('migrate on $driver', (driver) => {
  let ledger: TestLedger | undefined;
  afterEach(async () => {
    await ledger?.cleanup();
  });

  it('creates every table from an empty database and records each migration', async () => {
    ledger = await driver.create({ migrated: false });
    expect(await migrate(ledger.db)).toEqual(allVersions);
    const recorded = await ledger.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(recorded.map((r) => r.version)).toEqual(allVersions);
    const tables = await ledger.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = current_schema() AND tablename IN ('events', 'orders', 'payout_requests')",
    );
    expect(tables[0]!.n).toBe(3);
  });

  it('does nothing when run again', async () => {
    ledger = await driver.create({ migrated: false });
    await migrate(ledger.db);
    expect(await migrate(ledger.db)).toEqual([]);
    const [row] = await ledger.db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    expect(row!.n).toBe(allVersions.length);
  });

  it('applies each migration once when two migrators start at the same time', async () => {
    ledger = await driver.create({ migrated: false });
    const second = await ledger.another();
    const applied = await Promise.all([migrate(ledger.db), migrate(second)]);
    expect(applied.flat().sort()).toEqual(allVersions);
    const [row] = await second.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    expect(row!.n).toBe(allVersions.length);
  });
});
