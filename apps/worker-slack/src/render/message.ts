import type { KnownBlock } from '@slack/web-api';
import { capBlocks, context, factSections, header, section, type Fact } from './blocks';
import { limits, truncate } from './limits';

/** What one renderer decides; composeMessage turns it into blocks within Slack's limits. */
export interface MessageBody {
  /** Header, plain text of our own (never payload text). */
  title: string;
  /** One sentence of mrkdwn, payload parts escaped; also the notification text. */
  summary: string;
  facts?: readonly Fact[];
  /** A longer mrkdwn part under the facts (a quoted snippet, a list of items). */
  detail?: string | undefined;
  /** Links built with link(); shown on one line under the rest. */
  links?: readonly (string | undefined)[];
}

export interface SlackMessage {
  /** Fallback for notifications and clients without blocks. */
  text: string;
  blocks: KnownBlock[];
}

export function composeMessage(body: MessageBody, footer: readonly (string | undefined)[]): SlackMessage {
  const contextLines = footer.filter((line): line is string => Boolean(line));
  const blocks: KnownBlock[] = [
    header(body.title),
    section(body.summary),
    ...factSections(body.facts ?? []),
    ...(body.detail ? [section(body.detail)] : []),
    ...linkSections(body.links ?? []),
    ...contextLines.map((line) => context([line])),
  ];
  return { text: truncate(`${body.title}: ${body.summary}`, limits.fallbackText), blocks: capBlocks(blocks) };
}

function linkSections(links: readonly (string | undefined)[]): KnownBlock[] {
  const present = links.filter((entry): entry is string => Boolean(entry));
  return present.length > 0 ? [section(present.join('  ·  '))] : [];
}
