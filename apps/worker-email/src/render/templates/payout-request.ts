import type { WebhookEvent } from '@herohooks/contracts';
import { money, typeLabels } from '../format';
import { dealUrlOf, influencerOf } from '../influencer';
import { facts, type EmailView } from '../view';

export function payoutRequest({ payload }: WebhookEvent<'new_payout_request'>): EmailView {
  const who = influencerOf(payload);
  const payout = payload.payout_information;
  const amount = money(payout.payout_amount, payout.payout_currency);
  return {
    label: typeLabels.new_payout_request,
    subject: [who.name, amount, who.dealflow],
    headline: `${who.name} requested a payout of ${amount}`,
    influencer: who,
    facts: facts([
      ['Amount', amount],
      ['Comment', payout.payout_comment],
      ['Dealflow', who.dealflow],
      ['Brand', payout.brand_id],
      ['Deal', payload.deal_id],
    ]),
    dealUrl: dealUrlOf(payload),
  };
}
