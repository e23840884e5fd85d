import { initial } from './001-initial';

/**
 * Every migration in order. Append only: a shipped migration is never edited, a change is a new entry.
 * Plain SQL strings in TS modules, so the tsup bundle of the worker carries them.
 */
export const migrations: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  { version: 1, name: 'initial', sql: initial },
];
