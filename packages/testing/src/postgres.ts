import { inject } from 'vitest';
import { createSchema, type Schema } from './schemas';

export function testDatabaseUrl(): string {
  return inject('databaseUrl');
}

export type TestSchema = Schema;

/** A fresh schema for one test file; drop() removes it and everything in it. */
export function createTestSchema(label = 't'): Promise<TestSchema> {
  return createSchema(testDatabaseUrl(), label);
}
