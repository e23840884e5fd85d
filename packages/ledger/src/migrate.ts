import type { LedgerDb } from './db';
import { migrations } from './migrations/index';

// Any constant shared by every ledger process; advisory locks are per database.
const MIGRATION_LOCK = 7_311_042_001;

/**
 * Applies the migrations not yet recorded in schema_migrations, in one transaction under an advisory lock, so two
 * workers starting at once apply each migration once. Re-running is a no-op. Returns the versions it applied.
 */
export async function migrate(db: LedgerDb): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set(
      (await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
    );
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}
