import { webhookTypes, type WebhookEvent, type WebhookType } from '@herohooks/contracts';
import { fixture } from '@herohooks/contracts/fixtures';
import { describe, expect, it } from 'vitest';
import { limits } from './limits';
import { renderEvent, type SlackMessage } from './render';

function eventOf<T extends WebhookType>(type: T, payload: unknown = fixture(type)): WebhookEvent {
  return {
    deliveryId: `dlv-${type}`,
    type,
    receivedAt: '2025-03-21T12:00:00.000Z',
    payload: payload as WebhookEvent['payload'],
  };
}

/** Every text Slack will parse as mrkdwn or show as plain text. */
function textsOf(message: SlackMessage): string[] {
  const texts: string[] = [message.text];
  JSON.stringify(message.blocks, (key, value: unknown) => {
    if (key === 'text' && typeof value === 'string') texts.push(value);
    return value;
  });
  return texts;
}

/** Replaces every string in a payload (deeply) with `text`. */
function everyStringBecomes(value: unknown, text: string): unknown {
  if (typeof value === 'string') return text;
  if (Array.isArray(value)) return value.map((item) => everyStringBecomes(item, text));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, everyStringBecomes(v, text)]));
  }
  return value;
}

const hostile = '<!channel> <@U123> <https://evil.example|click> & <!here> *bold*';
// The only `<…>` sequences we emit: links to escaped http(s) URLs and Slack's date formatting.
const allowedMarkup = /^<(https?:\/\/[^<>|\s]+\|[^<>]*|!date\^\d+\^[^|<>]+\|[^<>]*)>$/;

describe('renderEvent', () => {
  it.each(webhookTypes)('renders the %s fixture into reviewed blocks', async (type) => {
    const message = renderEvent(eventOf(type));
    await expect(`${JSON.stringify(message, null, 2)}\n`).toMatchFileSnapshot(`./__snapshots__/${type}.json`);
  });

  it.each(webhookTypes)('shows the %s fixture with its own fields, not the generic message', (type) => {
    const message = renderEvent(eventOf(type));
    expect(message.text).not.toContain('none of the fields');
    expect(message.blocks[0]).toMatchObject({ type: 'header' });
  });

  it.each(webhookTypes)('keeps hostile text in a %s payload inert (no mention, no smuggled link)', (type) => {
    const message = renderEvent(eventOf(type, everyStringBecomes(fixture(type), hostile)));
    for (const text of textsOf(message)) {
      for (const markup of text.match(/<[^>]*>/g) ?? []) expect(markup).toMatch(allowedMarkup);
      expect(text).not.toMatch(/<!channel|<!here|<@U123|<https:\/\/evil/);
    }
    expect(JSON.stringify(message)).toContain('&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; &amp;');
  });

  it('escapes a hostile name and links only to http(s) profile URLs', () => {
    const payload = fixture('new_payout_request');
    payload.deal_info.full_name = 'Eve <!channel> & co';
    payload.deal_info.profile_url = 'javascript:alert(1)';
    const message = renderEvent(eventOf('new_payout_request', payload));
    const texts = textsOf(message).join('\n');
    expect(texts).toContain('*Eve &lt;!channel&gt; &amp; co*');
    expect(texts).not.toContain('javascript:');
  });

  it('keeps a URL from breaking out of its link', () => {
    const payload = fixture('new_influencer_reply');
    payload.deal_url = 'https://app.influencer-hero.com/deal/1|<!channel>';
    const texts = textsOf(renderEvent(eventOf('new_influencer_reply', payload))).join('\n');
    expect(texts).toContain('<https://app.influencer-hero.com/deal/1%7C%3C!channel%3E|Open the deal in Influencer Hero>');
  });

  it("formats money in the payload's currency and the order commission rate as a fraction", () => {
    const payload = fixture('new_influencer_order');
    Object.assign(payload.order_information, {
      order_revenue: 1234.5,
      order_currency: 'EUR',
      account_currency: 'USD',
      account_currency_revenue: 1350.25,
      paid_commission: 135.03,
      commission_rate: 0.1,
    });
    const texts = textsOf(renderEvent(eventOf('new_influencer_order', payload))).join('\n');
    expect(texts).toContain('€1,234.50');
    expect(texts).toContain('$1,350.25');
    expect(texts).toContain('$135.03 (10%)');
  });

  it('cuts very long payloads to Slack limits', () => {
    const payload = fixture('product_sent');
    payload.send_product_info.line_items = Array.from({ length: 500 }, (_, i) => ({
      variant_id: i,
      quantity: 1,
      variant_name: `${'Very long variant name and more '.repeat(20)}${i}`,
    }));
    payload.deal_info.full_name = 'N'.repeat(10_000);
    const message = renderEvent(eventOf('product_sent', payload));
    expect(message.text.length).toBeLessThanOrEqual(limits.fallbackText);
    expect(message.blocks.length).toBeLessThanOrEqual(limits.blocks);
    for (const block of message.blocks) {
      if (block.type === 'section') expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(limits.sectionText);
      if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(limits.headerText);
    }
    expect(JSON.stringify(message)).toContain('…and 485 more lines');
  });

  it.each([
    ['new_influencer_post', {}],
    ['new_influencer_post', { post_information: 'a string', deal_info: [1, 2] }],
    ['media_kpi_updated', { media_information: { views: 'n/a', likes: null } }],
  ] as const)('falls back to the generic message for a %s payload of unknown shape', (type, payload) => {
    const message = renderEvent(eventOf(type, payload));
    expect(message.text).toContain(`Influencer Hero sent \`${type}\` for *an influencer*`);
  });
});
