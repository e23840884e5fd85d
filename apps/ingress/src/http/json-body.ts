import sjson from 'secure-json-parse';
import { MalformedBodyError } from './errors';

/** Real payloads nest 3–4 levels; anything far deeper is an attack on the recursion of whatever walks the value. */
export const MAX_JSON_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Whether a parsed value nests objects or arrays more than `levels` deep. V8's JSON.parse does not recurse, so a
 * deep body parses safely; what recurses is whatever walks the value afterwards, this walk included, which stops
 * at the limit.
 */
function nestsDeeperThan(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (levels === 0) return true;
  if (Array.isArray(value)) return value.some((item) => nestsDeeperThan(item, levels - 1));
  for (const key in value) {
    if (nestsDeeperThan((value as Record<string, unknown>)[key], levels - 1)) return true;
  }
  return false;
}

/** A body that parsed: its value, and the text it was parsed from (the raw bytes decoded, without a BOM). */
export interface ParsedJson {
  value: unknown;
  text: string;
}

/**
 * Turns a verified raw body into a value: strict UTF-8, bounded depth, standard JSON, and no `__proto__` or
 * `constructor.prototype` keys (refused rather than stripped, so what is queued is exactly what was signed).
 */
export function parseJsonBody(raw: Uint8Array): ParsedJson {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new MalformedBodyError('invalid_utf8', 'The body is not valid UTF-8.');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MalformedBodyError('malformed_json', 'The body is not valid JSON.');
  }
  if (value === null || typeof value !== 'object') return { value, text };
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
    throw new MalformedBodyError('json_too_deep', `The body nests deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  try {
    sjson.scan(value, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw new MalformedBodyError('forbidden_key', 'The body contains a __proto__ or constructor.prototype key.');
  }
  return { value, text };
}
