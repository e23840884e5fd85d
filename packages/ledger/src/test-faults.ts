import type { LedgerDb, Queryable, Row } from './db';

/**
 * For tests: the same database, except that `fault` runs right after the first event-log INSERT of a transaction,
 * while that transaction is still open. A throw there, or a cut connection, fails a batch mid-way.
 */
export function faultAfterEventLog(db: LedgerDb, fault: () => void): LedgerDb {
  let armed = true;
  return {
    ...db,
    transaction: (work) =>
      db.transaction((tx) => {
        const faulty: Queryable = {
          exec: (sql) => tx.exec(sql),
          async query<R extends Row>(sql: string, params?: readonly unknown[]) {
            const rows = await tx.query<R>(sql, params);
            if (armed && sql.startsWith('INSERT INTO events')) {
              armed = false;
              fault();
            }
            return rows;
          },
        };
        return work(faulty);
      }),
  };
}
