import { webhookTypes, type WebhookEvent, type WebhookType } from '@herohooks/contracts';
import { fixture } from '@herohooks/contracts/fixtures';
import { describe, expect, it } from 'vitest';
import { money } from './format';
import { renderEmail } from './index';

const eventOf = <T extends WebhookType>(type: T, payload = fixture(type)): WebhookEvent =>
  ({ deliveryId: 'dlv-1', type, receivedAt: '2025-03-14T16:42:10.000Z', payload }) as WebhookEvent;

describe('routed templates', () => {
  it('gives a payout request a subject with the influencer, the amount and the dealflow', () => {
    const email = renderEmail([eventOf('new_payout_request')]);
    expect(email.subject).toBe('[Payout request] Dwayne Johnson — USD 1,500.00 — Spring Collection Promo');
    expect(email.text).toContain('Comment: January bonus payment');
    expect(email.html).toContain('January bonus payment');
  });

  it('shows the influencer picture and profile link in HTML, the profile link in text', () => {
    const email = renderEmail([eventOf('new_max_bid')]);
    expect(email.subject).toBe('[Max bid request] Dwayne Johnson — Spring Collection Promo');
    expect(email.html).toMatch(/<img src="https:\/\/imgp\.sptds\.icu\/v2\?mb0Kwp[^"]*"/);
    expect(email.html).toContain('<a href="https://instagram.com/therock"');
    expect(email.text).toContain('Profile: https://instagram.com/therock');
    expect(email.text).toContain('Requested: 2023-08-30 20:26:42 UTC');
  });

  it('quotes an influencer reply (blockquote in HTML, "> " lines in text) and links the deal', () => {
    const payload = fixture('new_influencer_reply');
    payload.email_information.email_body = 'Got them today.\nFilming this weekend.';
    const email = renderEmail([eventOf('new_influencer_reply', payload)]);
    expect(email.subject).toBe('[Influencer reply] Leo Martins — Re: Your Trail Runner 2 pair is on its way');
    expect(email.html).toMatch(/<blockquote[^>]*>Got them today\.<br>\nFilming this weekend\.<\/blockquote>/);
    expect(email.text).toContain('leo.martins@example.com wrote:\n> Got them today.\n> Filming this weekend.\n');
    expect(email.html).toContain('href="https://app.influencer-hero.com/deal/deal9914"');
    expect(email.text).toContain('Open the deal: https://app.influencer-hero.com/deal/deal9914');
  });

  it('leaves out a picture, profile or deal link that is not http(s)', () => {
    const payload = fixture('new_influencer_reply');
    payload.deal_info!.picture_url = 'javascript:alert(1)';
    payload.deal_info!.profile_url = 'data:text/html,<script>alert(1)</script>';
    payload.deal_url = 'javascript:alert(1)';
    const email = renderEmail([eventOf('new_influencer_reply', payload)]);
    expect(email.html).not.toMatch(/<img|href=|javascript:|data:text/);
    expect(email.text).not.toMatch(/Profile:|Open the deal|javascript:/);
  });
});

describe('escaping', () => {
  const hostile = () => {
    const payload = fixture('new_payout_request');
    payload.payout_information.payout_comment = '<script>alert(1)</script>';
    payload.deal_info.full_name = '"><img src=x onerror=alert(1)>';
    payload.deal_info.dealflow_name = "Promo\r\nBcc: evil@example.com\u2028X-Other: 1";
    payload.deal_info.deal_name = "x' onmouseover='alert(1)";
    return renderEmail([eventOf('new_payout_request', payload)]);
  };

  it('renders payload text as text in HTML: no script, no injected tag or attribute', () => {
    const { html } = hostile();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<[^>]*\s(onerror|onmouseover)=/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('@x&#39; onmouseover=&#39;alert(1)');
  });

  it('keeps the subject on one line whatever the payload holds', () => {
    const { subject } = hostile();
    expect(subject).toBe(
      '[Payout request] "><img src=x onerror=alert(1)> — USD 1,500.00 — Promo Bcc: evil@example.com X-Other: 1',
    );
  });

  it('caps the subject length for huge payload fields', () => {
    const payload = fixture('new_max_bid');
    payload.deal_info.full_name = 'A'.repeat(5_000);
    expect(renderEmail([eventOf('new_max_bid', payload)]).subject.length).toBeLessThanOrEqual(200);
  });
});

describe('generic template', () => {
  it.each(webhookTypes)('renders %s with a labelled subject, both parts and the influencer', (type) => {
    const email = renderEmail([eventOf(type)]);
    expect(email.subject).toMatch(/^\[[A-Z][^\]]+\] \S/);
    expect(email.html).toMatch(/^<!doctype html>/);
    expect(email.text).toContain('Sent by herohooks · delivery dlv-1');
  });

  it('lists the payload fields of a type without its own template', () => {
    const email = renderEmail([eventOf('update_commission')]);
    expect(email.subject).toBe('[Commission updated] Maya Lindqvist — Always-On Ambassadors');
    expect(email.text).toMatch(/^Old commission perc: \S+$/m);
    expect(email.text).toMatch(/^New commission perc: \S+$/m);
    expect(email.text).toMatch(/^Sent: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/m);
  });

  it('copes with a payload whose fields are not what the docs describe', () => {
    const email = renderEmail([eventOf('new_influencer_post', { deal_info: 'nope', post_information: [1, { a: null }] })]);
    expect(email.subject).toBe('[Influencer post] Unknown influencer');
    expect(email.text).toContain('#2 › A: none');
  });
});

describe('money', () => {
  it('uses the currency code and its own decimals', () => {
    expect(money(1500, 'USD')).toBe('USD 1,500.00');
    expect(money(1500, 'JPY')).toBe('JPY 1,500');
    expect(money(0.5, 'EUR')).toBe('EUR 0.50');
  });

  it('shows an unknown currency as given', () => {
    expect(money(1500.5, 'US Dollars')).toBe('US Dollars 1,500.5');
  });
});

describe('an email carrying several deliveries', () => {
  const withId = (event: WebhookEvent, deliveryId: string): WebhookEvent => ({ ...event, deliveryId });

  it('counts deliveries of one type in the subject and lists each one', () => {
    const email = renderEmail([withId(eventOf('new_max_bid'), 'a'), withId(eventOf('new_max_bid'), 'b')]);
    expect(email.subject).toBe(
      '[Max bid request ×2] Dwayne Johnson — Spring Collection Promo; Dwayne Johnson — Spring Collection Promo',
    );
  });

  it('shows a card per delivery in order, the text parts apart by a rule, and names every delivery once', () => {
    const events = [withId(eventOf('new_payout_request'), 'a'), withId(eventOf('new_influencer_reply'), 'b')];
    const email = renderEmail(events);
    expect(email.subject).toMatch(/^\[2 events\] Payout request: Dwayne Johnson — .*; Influencer reply: Leo Martins/);
    const headlines = [...email.html.matchAll(/<h1[^>]*>([^<]*)<\/h1>/g)].map((match) => match[1]);
    expect(headlines).toHaveLength(2);
    expect(email.html.indexOf('>Payout request</p>')).toBeLessThan(email.html.indexOf('>Influencer reply</p>'));
    expect(email.html).toContain('Sent by herohooks · deliveries a, b');
    const [first, second] = email.text.split(`\n\n${'-'.repeat(40)}\n\n`);
    expect(first).toMatch(/^PAYOUT REQUEST\n/);
    expect(second).toMatch(/^INFLUENCER REPLY\n/);
    expect(second).toContain('-- \nSent by herohooks · deliveries a, b\n');
    expect(email.text.match(/Sent by herohooks/g)).toHaveLength(1);
  });

  it('renders one delivery exactly as before: no count, no rule, "delivery <id>"', () => {
    const email = renderEmail([eventOf('new_max_bid')]);
    expect(email.subject).toBe('[Max bid request] Dwayne Johnson — Spring Collection Promo');
    expect(email.text).not.toContain('-'.repeat(40));
    expect(email.text.endsWith('-- \nSent by herohooks · delivery dlv-1\n')).toBe(true);
  });
});
