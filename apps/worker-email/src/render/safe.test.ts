import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, headerText, httpUrl, oneLine, textLines } from './safe';

const unescape = (html: string) =>
  html.replace(/&lt;|&gt;|&quot;|&#39;|&amp;/g, (entity) => ({ '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' })[entity]!);

describe('escapeHtml', () => {
  it('leaves no character that can open a tag or leave an attribute, and loses nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const escaped = escapeHtml(text);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(escaped).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
        expect(unescape(escaped)).toBe(text);
      }),
    );
  });
});

describe('header text', () => {
  it('never contains a line break or another control character, and stays within its length', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 2, max: 300 }), (text, max) => {
        const line = headerText(text, max);
        expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
        expect(line.length).toBeLessThanOrEqual(max);
      }),
    );
  });

  it('turns an injected header into plain words on the same line', () => {
    expect(oneLine('Promo\r\nBcc: evil@example.com')).toBe('Promo Bcc: evil@example.com');
  });

  it('marks a cut with an ellipsis', () => {
    expect(headerText('a'.repeat(300), 10)).toBe(`${'a'.repeat(9)}…`);
  });
});

describe('textLines', () => {
  it('splits on every kind of line break and drops other controls, keeping tabs', () => {
    expect(textLines('one\r\ntwo\rthree\nfour\u2028five\u0007\tsix')).toEqual(['one', 'two', 'three', 'four', 'five \tsix']);
  });
});

describe('httpUrl', () => {
  it('keeps absolute http and https URLs, normalised', () => {
    expect(httpUrl('https://instagram.com/therock')).toBe('https://instagram.com/therock');
    expect(httpUrl(' http://example.com/a b ')).toBe('http://example.com/a%20b');
  });

  it.each(['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,<script>', '//evil.example.com', '/deal/1', 'ftp://x.example', '', 42, null])(
    'drops %j',
    (value) => {
      expect(httpUrl(value)).toBeUndefined();
    },
  );
});
