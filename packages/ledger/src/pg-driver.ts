import pg from 'pg';
import QueryStream from 'pg-query-stream';
import type { LedgerDb, Queryable, Row, ScanQuery } from './db';
import { scanSql } from './db';

export interface PgDriverOptions {
  /** Called when an idle pooled connection dies (e.g. the server restarted); the pool replaces it. */
  onIdleError?: (error: Error) => void;
  maxConnections?: number;
}

/** PostgreSQL through a pg Pool. Connection failures surface as ordinary errors, so jobs retry. */
export function createPgLedgerDb(connectionString: string, options: PgDriverOptions = {}): LedgerDb {
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
    // A half-open connection (e.g. after a failover) must fail the batch so its jobs retry, not hang it forever.
    keepAlive: true,
    query_timeout: 60_000,
  });
  // Without a listener an idle client's error would crash the process.
  pool.on('error', (error) => options.onIdleError?.(error));

  const on = (target: pg.Pool | pg.PoolClient): Queryable => ({
    query: async <R extends Row>(sql: string, params: readonly unknown[] = []) =>
      (await target.query<R>(sql, params as unknown[])).rows,
    // Without parameters pg uses the simple protocol, which runs several statements.
    exec: async (sql: string) => {
      await target.query(sql);
    },
  });

  return {
    driver: 'pg',
    ...on(pool),
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      // A socket error while checked out also fails the running query; without a listener it would crash us.
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await work(on(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    async *scan<R extends Row>(scan: ScanQuery): AsyncIterable<R> {
      const client = await pool.connect();
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      const stream = client.query(new QueryStream(scanSql(scan), scan.params as unknown[], { batchSize: 500 }));
      try {
        for await (const row of stream) yield row as R;
      } finally {
        stream.destroy();
        client.off('error', onError);
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
