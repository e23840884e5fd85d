import type { KnownBlock } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { blockTextLength, combineMessages, messageRuns } from './combine';
import { limits } from './limits';
import type { SlackMessage } from './message';

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const message = (name: string, blocks = 2): SlackMessage => ({
  text: `${name} happened`,
  blocks: Array.from({ length: blocks }, (_, i) => section(`${name} ${i}`)),
});

describe('combining messages', () => {
  it('leaves a single message as it is', () => {
    const only = message('a');
    expect(combineMessages([only])).toBe(only);
  });

  it('puts the messages one after another with a divider between each two, and joins their texts', () => {
    const combined = combineMessages([message('a'), message('b'), message('c', 1)]);
    expect(combined.blocks.map((block) => block.type)).toEqual(['section', 'section', 'divider', 'section', 'section', 'divider', 'section']);
    expect(combined.text).toBe('a happened\nb happened\nc happened');
  });

  it('keeps the joined text within the fallback limit', () => {
    const long = Array.from({ length: 10 }, (_, i) => ({ ...message(`m${i}`), text: 'x'.repeat(1_000) }));
    expect(combineMessages(long).text.length).toBeLessThanOrEqual(limits.fallbackText);
  });
});

describe('splitting deliveries into messages', () => {
  const identity = (m: SlackMessage) => m;

  it('starts a new message after the most deliveries one may carry', () => {
    const items = Array.from({ length: 5 }, (_, i) => message(`m${i}`));
    expect(messageRuns(items, identity, 2).map((run) => run.length)).toEqual([2, 2, 1]);
    expect(messageRuns(items, identity, 2).flat()).toEqual(items);
  });

  it('keeps every message within 50 blocks, dividers included', () => {
    const items = Array.from({ length: 10 }, (_, i) => message(`m${i}`, 8));
    const runs = messageRuns(items, identity, 10);
    // 8 + (1 + 8) × 4 = 44 blocks; a sixth would make 53.
    expect(runs.map((run) => run.length)).toEqual([5, 5]);
    for (const run of runs) expect(combineMessages(run).blocks.length).toBeLessThanOrEqual(limits.blocks);
  });

  it('keeps the block text of a shared message within the budget Slack accepts', () => {
    const long = (name: string): SlackMessage => ({ text: name, blocks: [section('x'.repeat(3_000)), section(name)] });
    const runs = messageRuns(['a', 'b', 'c', 'd'].map(long), identity, 10);
    expect(runs.map((run) => run.length)).toEqual([2, 2]);
    for (const run of runs) expect(blockTextLength(combineMessages(run).blocks)).toBeLessThanOrEqual(limits.sharedMessageText);
  });

  it('counts the text of headers, sections, fields and context lines', () => {
    const blocks: KnownBlock[] = [
      { type: 'header', text: { type: 'plain_text', text: 'abc' } },
      { type: 'section', text: { type: 'mrkdwn', text: 'de' }, fields: [{ type: 'mrkdwn', text: 'fgh' }] },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'ij' }] },
      { type: 'divider' },
    ];
    expect(blockTextLength(blocks)).toBe(10);
  });

  it('sends a message that alone fills 50 blocks by itself', () => {
    const runs = messageRuns([message('small'), message('full', limits.blocks), message('after')], identity, 10);
    expect(runs.map((run) => run.map((m) => m.text))).toEqual([['small happened'], ['full happened'], ['after happened']]);
  });
});
