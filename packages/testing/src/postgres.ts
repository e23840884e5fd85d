import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export function testDatabaseUrl(): string {
  return inject('databaseUrl');
}

export interface TestSchema {
  name: string;
  /** A connection string whose sessions use only this schema (search_path via the options parameter). */
  url: string;
  drop(): Promise<void>;
}

/** A fresh schema for one test file; drop() removes it and everything in it. */
export async function createTestSchema(label = 't'): Promise<TestSchema> {
  const base = testDatabaseUrl();
  const name = `hh_${label.replace(/\W/g, '_')}_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    name,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      await client.end();
    },
  };
}
