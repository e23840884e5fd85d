import { UnbookableEventError } from './errors';

// Readers for one payload field each: they return what the ledger stores, or throw UnbookableEventError naming
// the JSON path. Numbers become strings (String(n) is the shortest round-trip decimal) so PostgreSQL parses them
// into numeric exactly; a float never touches the database.

export type JsonObject = Record<string, unknown>;

const DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const INTEGER = /^-?(0|[1-9][0-9]*)$/;
const CURRENCY = /^[A-Z]{3}$/;

function absent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function object(source: JsonObject, key: string, path: string): JsonObject | null {
  const value = source[key];
  if (absent(value)) return null;
  if (!isObject(value)) throw new UnbookableEventError('invalid_field', `${path}.${key} must be an object`);
  return value;
}

type Reader<T> = (source: JsonObject, key: string, path: string) => T | null;

/** The reader's value, or UnbookableEventError when the field is absent or null. */
function required<T>(read: Reader<T>): (source: JsonObject, key: string, path: string) => T {
  return (source, key, path) => {
    const value = read(source, key, path);
    if (value === null) throw new UnbookableEventError('missing_field', `${path}.${key} is required`);
    return value;
  };
}

export function text(source: JsonObject, key: string, path: string): string | null {
  const value = source[key];
  if (absent(value)) return null;
  if (typeof value !== 'string') throw new UnbookableEventError('invalid_field', `${path}.${key} must be a string`);
  return value;
}

export const requiredObject = required(object);
export const requiredText = required(text);

export function bool(source: JsonObject, key: string, path: string): boolean | null {
  const value = source[key];
  if (absent(value)) return null;
  if (typeof value !== 'boolean') throw new UnbookableEventError('invalid_field', `${path}.${key} must be a boolean`);
  return value;
}

/** A decimal for a numeric column: a JSON number, or a string holding a plain decimal such as "1500.00". */
export function decimal(source: JsonObject, key: string, path: string): string | null {
  const value = source[key];
  if (absent(value)) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && DECIMAL.test(value)) return value;
  throw new UnbookableEventError(
    'invalid_number',
    `${path}.${key} must be a number or a plain decimal string like "1500.00"`,
  );
}

export function integer(source: JsonObject, key: string, path: string): string | null {
  const value = source[key];
  if (absent(value)) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && INTEGER.test(value)) return value;
  throw new UnbookableEventError('invalid_number', `${path}.${key} must be a whole number`);
}

/** An ISO-4217-shaped code: any three upper-case letters is booked as given; anything else is refused. */
export function currency(source: JsonObject, key: string, path: string): string | null {
  const value = source[key];
  if (absent(value)) return null;
  if (typeof value !== 'string' || !CURRENCY.test(value)) {
    throw new UnbookableEventError('invalid_currency', `${path}.${key} must be a three-letter currency code like "USD"`);
  }
  return value;
}

/** An amount must travel with its currency; an amount whose currency is missing cannot be booked. */
export function requireCurrencyFor(amount: string | null, currencyCode: string | null, what: string): void {
  if (amount !== null && currencyCode === null) {
    throw new UnbookableEventError('missing_currency', `${what} has an amount but no currency`);
  }
}

const ORDER_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * The order time in its undocumented format ("2025-03-02 18:41:07", UTC assumed when no zone is given) as an
 * ISO instant, or null when it has another shape (the raw text is kept beside it either way).
 */
export function orderInstant(raw: string | null): string | null {
  const match = raw === null ? null : ORDER_TIME.exec(raw);
  if (!match) return null;
  const instant = new Date(`${match[1]}T${match[2]}${match[3] ?? 'Z'}`);
  return Number.isNaN(instant.getTime()) ? null : instant.toISOString();
}
