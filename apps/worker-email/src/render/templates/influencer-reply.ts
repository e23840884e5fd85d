import type { WebhookEvent } from '@herohooks/contracts';
import { typeLabels } from '../format';
import { dealUrlOf, influencerOf } from '../influencer';
import { facts, type EmailView } from '../view';

export function influencerReply({ payload }: WebhookEvent<'new_influencer_reply'>): EmailView {
  const who = influencerOf(payload);
  const mail = payload.email_information;
  return {
    label: typeLabels.new_influencer_reply,
    subject: [who.name, mail.email_subject],
    headline: `${who.name} replied`,
    influencer: who,
    facts: facts([
      ['From', mail.from_addr],
      ['To', mail.recipient],
      ['Cc', mail.cc_address ?? undefined],
      ['Subject', mail.email_subject],
      // Influencer Hero sends "YYYY-MM-DD HH:MM:SS" without a zone; UTC is assumed (influencer-hero.md §2.8).
      ['Received', mail.received_time && `${mail.received_time} UTC`],
      ['Dealflow', who.dealflow],
    ]),
    quote: mail.email_body ? { author: mail.from_addr ?? who.name, text: mail.email_body } : undefined,
    dealUrl: dealUrlOf(payload),
  };
}
