import type { LedgerDb, Queryable, Row } from './db';

/**
 * For tests: the same database, except that `fault` runs once, `when` the first booking statement (the one that
 * inserts event-log rows) is about to be sent or has just returned. Before: the booking fails as a cut connection
 * would fail it. After, inside a transaction (a batch too large for one statement): the transaction is still open,
 * so a throw there fails the batch mid-way.
 */
export function faultOnBooking(db: LedgerDb, when: 'before' | 'after', fault: () => void): LedgerDb {
  let armed = true;
  const faulty = (target: Queryable): Queryable => ({
    exec: (sql) => target.exec(sql),
    async query<R extends Row>(sql: string, params?: readonly unknown[]) {
      const booking = armed && sql.includes('INSERT INTO events');
      if (booking) armed = false;
      if (booking && when === 'before') fault();
      const rows = await target.query<R>(sql, params);
      if (booking && when === 'after') fault();
      return rows;
    },
  });
  return { ...db, ...faulty(db), transaction: (work) => db.transaction((tx) => work(faulty(tx))) };
}
