import { randomUUID } from 'node:crypto';
import pg from 'pg';

export interface Schema {
  name: string;
  /** A connection string whose sessions use only this schema (search_path via the options parameter). */
  url: string;
  /** Removes the schema and everything in it. */
  drop(): Promise<void>;
}

async function run(connectionString: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh PostgreSQL schema on the database at baseUrl; usable outside vitest (benchmarks). */
export async function createSchema(baseUrl: string, label: string): Promise<Schema> {
  const name = `hh_${label.replace(/\W/g, '_')}_${randomUUID().slice(0, 8)}`;
  await run(baseUrl, `CREATE SCHEMA "${name}"`);
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return { name, url: url.toString(), drop: () => run(baseUrl, `DROP SCHEMA IF EXISTS "${name}" CASCADE`) };
}
