import type { ContextBlock, HeaderBlock, KnownBlock, MrkdwnElement, SectionBlock } from '@slack/web-api';
import { limits, truncate } from './limits';

// Block builders that enforce Slack's limits, so no renderer has to think about them. Every mrkdwn object is
// `verbatim`: Slack then leaves plain text alone (no automatic mention or channel parsing) and only the links
// we built ourselves are links.

function mrkdwn(text: string, max: number): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text, max), verbatim: true };
}

export function header(title: string): HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text: truncate(title, limits.headerText), emoji: true } };
}

export function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text, limits.sectionText) };
}

/**
 * One fact per field, `*label*` over its value; facts without a value are left out, more than ten spill into
 * further sections.
 */
export function factSections(facts: readonly Fact[]): SectionBlock[] {
  const present = facts.filter((fact): fact is readonly [string, string] => Boolean(fact[1]));
  const sections: SectionBlock[] = [];
  for (let i = 0; i < present.length; i += limits.sectionFields) {
    const fields = present
      .slice(i, i + limits.sectionFields)
      .map(([label, value]) => mrkdwn(`*${label}*\n${value}`, limits.fieldText));
    sections.push({ type: 'section', fields });
  }
  return sections;
}

export function context(parts: readonly string[]): ContextBlock {
  return {
    type: 'context',
    elements: parts.slice(0, limits.contextElements).map((part) => mrkdwn(part, limits.sectionText)),
  };
}

/** Keeps a message within Slack's block count; what is cut is said in the last block. */
export function capBlocks(blocks: KnownBlock[]): KnownBlock[] {
  if (blocks.length <= limits.blocks) return blocks;
  const kept = blocks.slice(0, limits.blocks - 1);
  return [...kept, context([`_${blocks.length - kept.length} more blocks left out_`])];
}

/** A label (our own text) and a value (mrkdwn, already escaped; absent values are skipped). */
export type Fact = readonly [label: string, value: string | undefined | false];
