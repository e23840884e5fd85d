import type { WebhookEvent } from '@herohooks/contracts';
import { typeLabels, unixTime } from '../format';
import { dealUrlOf, influencerOf } from '../influencer';
import { facts, type EmailView } from '../view';

export function maxBid({ payload }: WebhookEvent<'new_max_bid'>): EmailView {
  const who = influencerOf(payload);
  return {
    label: typeLabels.new_max_bid,
    subject: [who.name, who.dealflow],
    headline: `Max bid requested for ${who.name}`,
    influencer: who,
    facts: facts([
      ['Comment', payload.max_bid_information.max_bid_comment],
      ['Dealflow', who.dealflow],
      ['Deal', payload.deal_id],
      ['Requested', unixTime(payload.webhook_timestamp)],
    ]),
    dealUrl: dealUrlOf(payload),
  };
}
