/**
 * Everything a payload says goes through here before it reaches mrkdwn. Slack reads `<…>` as a mention or a
 * link and `&…;` as an entity; escaping these three characters makes `<!channel>`, `<@U123>` and
 * `<https://evil|click>` show as the literal text they are.
 */
export function escapeText(raw: string): string {
  return raw.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** An http(s) URL from a payload, ready to stand inside `<…|…>`; undefined for anything else. */
export function safeUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  // `|` would end the URL part of a Slack link early and let the rest choose the label.
  return escapeText(url.href.replaceAll('|', '%7C'));
}

/** `<url|label>` when the URL is safe, else the label alone. `label` is mrkdwn that is already escaped. */
export function link(url: unknown, label: string): string {
  return linkOnly(url, label) ?? label;
}

/** `<url|label>` when the URL is safe, else nothing (for links that mean nothing without their URL). */
export function linkOnly(url: unknown, label: string): string | undefined {
  const href = safeUrl(url);
  return href ? `<${href}|${label}>` : undefined;
}
