import { Type, type Static, type TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/**
 * Parses the environment once against a TypeBox schema: defaults applied, strings converted to the declared
 * types, and every problem reported in one readable line (values are never echoed: they may be secrets).
 */
export function parseEnv<S extends TObject>(schema: S, source: NodeJS.ProcessEnv = process.env): Static<S> {
  const known = Object.fromEntries(
    Object.keys(schema.properties)
      .filter((key) => source[key] !== undefined && source[key] !== '')
      .map((key) => [key, source[key]]),
  );
  // Value.Convert would quietly turn "1.5" into 1 for an integer: refuse anything but a whole number first.
  const notWhole = Object.entries(known)
    .filter(([key, raw]) => schema.properties[key]?.type === 'integer' && !/^[+-]?\d+$/.test(String(raw).trim()))
    .map(([key]) => `${key} must be a whole number`);
  const value = Value.Convert(schema, Value.Default(schema, known));
  if (notWhole.length === 0 && Value.Check(schema, value)) return value;
  const problems = [...notWhole, ...[...Value.Errors(schema, value)].map((e) => `${e.path.slice(1) || '(root)'} ${e.message}`)];
  throw new EnvError(`invalid environment: ${[...new Set(problems)].join('; ')}`);
}

/** For main.ts: run a configuration step; on an EnvError print its one line and exit 1. */
export function orExit<T>(configure: () => T): T {
  try {
    return configure();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/** For main.ts: parse the environment or print the one line and exit 1. */
export function loadEnv<S extends TObject>(schema: S): Static<S> {
  return orExit(() => parseEnv(schema));
}

/** A comma-separated list; empty items dropped. */
export function csv(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Variables every app reads. */
export const CommonEnv = {
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379', pattern: '^rediss?://' }),
  QUEUE_PREFIX: Type.String({ default: 'herohooks', minLength: 1 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  LOG_FORMAT: Type.Union([Type.Literal('json'), Type.Literal('pretty')], { default: 'json' }),
};

export const Port = (fallback?: number) =>
  fallback === undefined
    ? Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 }))
    : Type.Integer({ minimum: 0, maximum: 65535, default: fallback });

export const Bool = (fallback: boolean) => Type.Boolean({ default: fallback });
