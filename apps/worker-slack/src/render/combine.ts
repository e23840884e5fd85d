import { runsWithin } from '@herohooks/worker-kit';
import type { KnownBlock } from '@slack/web-api';
import { limits, truncate } from './limits';
import type { SlackMessage } from './message';

const divider: KnownBlock = { type: 'divider' };

/** The messages of several deliveries as one: their blocks one after another, a divider between each two. */
export function combineMessages(messages: readonly SlackMessage[]): SlackMessage {
  if (messages.length === 1) return messages[0]!;
  return {
    text: truncate(messages.map((message) => message.text).join('\n'), limits.fallbackText),
    blocks: messages.flatMap((message, index) => (index === 0 ? message.blocks : [divider, ...message.blocks])),
  };
}

/** The characters of text a message's blocks hold (headers, sections and their fields, context lines). */
export function blockTextLength(blocks: readonly KnownBlock[]): number {
  let length = 0;
  for (const block of blocks) {
    const { text, fields, elements } = block as { text?: { text: string }; fields?: { text: string }[]; elements?: unknown[] };
    length += text?.text.length ?? 0;
    for (const field of fields ?? []) length += field.text.length;
    for (const element of elements ?? []) length += (element as { text?: string }).text?.length ?? 0;
  }
  return length;
}

/**
 * Splits items, in order, into runs that fit one message each: at most `maxPerMessage` items and, with the
 * dividers between them, at most Slack's 50 blocks and `limits.sharedMessageText` characters of block text. An
 * item always fits alone (its own message stays within Slack's limits).
 */
export function messageRuns<T>(
  items: readonly T[],
  messageOf: (item: T) => SlackMessage,
  maxPerMessage: number,
): T[][] {
  return runsWithin(
    items,
    maxPerMessage,
    (item, joining) => {
      const { blocks } = messageOf(item);
      return [blocks.length + (joining ? 1 : 0), blockTextLength(blocks)];
    },
    [limits.blocks, limits.sharedMessageText],
  );
}
