import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, parseJsonBody } from './json-body';
import { MalformedBodyError } from './errors';

const nestedArrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const nestedObjects = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
const body = (text: string) => Buffer.from(text);

function refusalCode(text: string): string | undefined {
  try {
    parseJsonBody(body(text));
    return undefined;
  } catch (error) {
    if (error instanceof MalformedBodyError) return error.code;
    throw error;
  }
}

describe('parseJsonBody nesting limit', () => {
  it('accepts arrays and objects nested exactly MAX_JSON_DEPTH levels', () => {
    expect(refusalCode(nestedArrays(MAX_JSON_DEPTH))).toBeUndefined();
    expect(refusalCode(nestedObjects(MAX_JSON_DEPTH))).toBeUndefined();
  });

  it('refuses arrays or objects nested one level deeper', () => {
    expect(refusalCode(nestedArrays(MAX_JSON_DEPTH + 1))).toBe('json_too_deep');
    expect(refusalCode(nestedObjects(MAX_JSON_DEPTH + 1))).toBe('json_too_deep');
  });

  it('finds the deep branch behind shallow siblings, in arrays and objects alike', () => {
    const deep = nestedObjects(MAX_JSON_DEPTH);
    expect(refusalCode(`{"x":1,"y":[1,2],"z":[true,${deep}]}`)).toBe('json_too_deep');
    expect(refusalCode(`[{"x":1},{"y":${deep}}]`)).toBe('json_too_deep');
  });

  it('does not count brackets inside strings', () => {
    const text = JSON.stringify({ note: nestedArrays(MAX_JSON_DEPTH * 2) });
    expect(parseJsonBody(body(text)).value).toEqual(JSON.parse(text));
  });

  it('parses a body nested a hundred thousand levels without overflowing the stack, then refuses it', () => {
    expect(refusalCode(nestedArrays(100_000))).toBe('json_too_deep');
  });

  it('refuses a __proto__ key at any depth', () => {
    expect(refusalCode('{"a":[{"b":{"__proto__":{"polluted":true}}}]}')).toBe('forbidden_key');
  });
});
