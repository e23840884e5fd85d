import sjson from 'secure-json-parse';
import { MalformedBodyError } from './errors';

/** Real payloads nest 3–4 levels; anything far deeper is an attack on the parser or on consumers' recursion. */
export const MAX_JSON_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const [OPEN_ARRAY, OPEN_OBJECT, CLOSE_ARRAY, CLOSE_OBJECT] = [0x5b, 0x7b, 0x5d, 0x7d];

/** Scans the raw bytes (no parsing, no recursion) for a nesting deeper than `max`. */
function nestsDeeperThan(raw: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i]!;
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) depth--;
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
  if (nestsDeeperThan(raw, MAX_JSON_DEPTH)) {
    throw new MalformedBodyError('json_too_deep', `The body nests deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MalformedBodyError('malformed_json', 'The body is not valid JSON.');
  }
  if (value === null || typeof value !== 'object') return { value, text };
  try {
    sjson.scan(value, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw new MalformedBodyError('forbidden_key', 'The body contains a __proto__ or constructor.prototype key.');
  }
  return { value, text };
}
