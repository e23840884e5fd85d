/** Slack's documented limits for what we send (Block Kit reference, chat.postMessage). */
export const limits = {
  blocks: 50,
  headerText: 150,
  sectionText: 3_000,
  sectionFields: 10,
  fieldText: 2_000,
  contextElements: 10,
  /** chat.postMessage truncates `text` past 40,000; notifications show far less, so we stay short. */
  fallbackText: 4_000,
  /**
   * The text of all blocks of a message that deliveries share. Slack refuses a message with `msg_blocks_too_long`
   * somewhere past 11,000 characters of block text (undocumented; slackapi/bolt-js #2509, #2867); one delivery's
   * message is bounded by the per-block limits alone, as before messages were shared.
   */
  sharedMessageText: 8_000,
} as const;

function cutAt(text: string, end: number): string {
  const cut = text.slice(0, end);
  // Never leave half of a UTF-16 surrogate pair (an emoji cut in two).
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

/** Plain text (before escaping) cut to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : cutAt(text, max - 1);
}

/**
 * mrkdwn cut to `max` characters with an ellipsis, never inside an escaped entity (`&amp;`) or a Slack link or
 * mention (`<…>`), so a cut never leaves markup Slack would reject or misread.
 */
export function truncate(mrkdwn: string, max: number): string {
  if (mrkdwn.length <= max) return mrkdwn;
  let head = mrkdwn.slice(0, max - 1);
  const openAngle = head.lastIndexOf('<');
  if (openAngle > head.lastIndexOf('>')) head = head.slice(0, openAngle);
  const ampersand = head.lastIndexOf('&');
  if (ampersand > head.lastIndexOf(';')) head = head.slice(0, ampersand);
  return cutAt(head, head.length);
}
