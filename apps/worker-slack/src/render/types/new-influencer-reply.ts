import { escapeText, linkOnly } from '../escape';
import { record, str } from '../read';
import type { TypeRenderer } from '../renderer';
import { plainText, quote } from '../snippets';

export const newInfluencerReply: TypeRenderer = (payload, who) => {
  const info = record(payload.email_information);
  const subject = str(info.email_subject);
  const received = str(info.received_time);
  return {
    summary: subject ? `${who} replied: _${escapeText(subject)}_` : `${who} replied.`,
    // The docs give no zone for received_time; UTC is assumed (shared/influencer-hero.md §2.8).
    facts: [['Received', received && `${plainText(received)} UTC`]],
    detail: quote(str(info.email_body), 500),
    links: [linkOnly(payload.deal_url, 'Open the deal in Influencer Hero')],
  };
};
