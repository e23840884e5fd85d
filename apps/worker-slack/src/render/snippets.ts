import { escapeText } from './escape';
import { clip } from './limits';

/** Free text from a payload as a Slack block quote, cut to `max` characters before escaping. */
export function quote(raw: string | undefined, max = 500): string | undefined {
  if (!raw) return undefined;
  return escapeText(clip(raw, max))
    .split(/\r?\n/)
    .map((line) => `> ${line}`)
    .join('\n');
}

/** "old → new" for a before/after pair of mrkdwn values; a missing side reads "none". */
export function change(before: string | undefined, after: string | undefined): string | undefined {
  if (before === undefined && after === undefined) return undefined;
  return `${before ?? '_none_'} → ${after ?? '_none_'}`;
}

/** Payload text as inline code (codes, link paths): escaped, and backticks dropped so the span stays closed. */
export function code(raw: string | undefined): string | undefined {
  return raw === undefined ? undefined : `\`${escapeText(raw.replaceAll('`', "'"))}\``;
}

/** Payload text, escaped; undefined stays undefined. */
export function plainText(raw: string | undefined): string | undefined {
  return raw === undefined ? undefined : escapeText(raw);
}
