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

/**
 * Splits items, in order, into runs that fit one message each: at most `maxPerMessage` items and, with the
 * dividers between them, at most Slack's 50 blocks. An item always fits alone (a message is capped at 50 blocks).
 */
export function messageRuns<T>(
  items: readonly T[],
  messageOf: (item: T) => SlackMessage,
  maxPerMessage: number,
): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let blocks = 0;
  for (const item of items) {
    const size = messageOf(item).blocks.length;
    if (run.length > 0 && (run.length >= maxPerMessage || blocks + 1 + size > limits.blocks)) {
      runs.push(run);
      run = [];
      blocks = 0;
    }
    blocks += (run.length > 0 ? 1 : 0) + size;
    run.push(item);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}
