/** One row as a driver returns it: numeric and bigint columns arrive as strings, timestamptz as Date. */
export type Row = Record<string, unknown>;

export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * A keyset-ordered SELECT that a driver may read in pieces: `SELECT select FROM from WHERE where… ORDER BY key`.
 * `key` must be unique and increasing (an identity column), so a page can resume after the last key it saw.
 */
export interface ScanQuery {
  select: string;
  from: string;
  where: readonly string[];
  params: readonly unknown[];
  key: string;
}

/** The small interface both drivers (PostgreSQL through pg, embedded PGlite) implement; one SQL dialect. */
export interface LedgerDb extends Queryable {
  readonly driver: 'pg' | 'pglite';
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Rows of a scan one at a time; never the whole result in memory. */
  scan<R extends Row = Row>(query: ScanQuery): AsyncIterable<R>;
  close(): Promise<void>;
}

export function scanSql(query: ScanQuery, extraWhere: readonly string[] = []): string {
  const where = [...query.where, ...extraWhere];
  return `SELECT ${query.select} FROM ${query.from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${query.key}`;
}
