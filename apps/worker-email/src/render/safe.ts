const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for an HTML element or a double-quoted attribute value. Five characters are all it takes (the
 * same set as the `escape-html` package), so a dependency would add nothing.
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

// C0 and C1 controls (CR and LF among them) and the Unicode line/paragraph separators: any of these could end
// or split a header line in some mail client, and none belongs in one-line text.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Text for a single line (a header, a table cell): control characters become spaces, runs of space collapse. */
export function oneLine(value: string): string {
  return value.replace(CONTROLS, ' ').replace(/\s+/g, ' ').trim();
}

/** A header value: one line, cut to `max` characters so a huge payload field cannot make a huge header. */
export function headerText(value: string, max = 200): string {
  const line = oneLine(value);
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`;
}

/** Multi-line text split into lines, each cleaned of control characters (tabs kept). */
export function textLines(value: string): string[] {
  return value.split(/\r\n|\r|\n|\u2028|\u2029/).map((line) => line.replace(CONTROLS, (c) => (c === '\t' ? c : ' ')).trimEnd());
}

/** The URL, normalised, when it is an absolute http(s) URL; anything else (javascript:, data:, junk) is dropped. */
export function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
