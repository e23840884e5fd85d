import { escapeText } from '../escape';
import { record, str } from '../read';
import type { TypeRenderer } from '../renderer';
import { quote } from '../snippets';

// Subject and a snippet of the body; addresses stay out of the channel.
export const newEmailSent: TypeRenderer = (payload, who) => {
  const info = record(payload.email_information);
  const sender = str(info.sent_by_user);
  const subject = str(info.email_subject);
  const by = sender ? `*${escapeText(sender)}*` : 'Your team';
  return {
    summary: subject ? `${by} emailed ${who}: _${escapeText(subject)}_` : `${by} emailed ${who}.`,
    detail: quote(str(info.email_body), 300),
  };
};
