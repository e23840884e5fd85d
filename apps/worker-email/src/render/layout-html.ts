import type { Influencer } from './influencer';
import { escapeHtml as e, textLines } from './safe';
import { deliveriesLine, type EmailView, type Section } from './view';

// Inline styles and a table layout: mail clients ignore <style> blocks and much of modern CSS.
// Every payload value passes through e(); URLs come only from httpUrl(), so no markup or script gets in.

const muted = 'color:#57606a';
const link = 'color:#0969da;text-decoration:none';
const cardStyle = 'max-width:600px;margin:0 auto;background:#ffffff;border:1px solid #d0d7de;border-radius:8px';
const button = 'display:inline-block;padding:8px 14px;background:#0969da;color:#fff;border-radius:6px;text-decoration:none';
const font = "-apple-system,'Segoe UI',Helvetica,Arial,sans-serif";

function influencerCard(who: Influencer): string {
  const picture = who.pictureUrl
    ? `<td width="56" style="padding-right:12px">` +
      `<img src="${e(who.pictureUrl)}" width="48" height="48" alt="" style="border-radius:24px;display:block"></td>`
    : '';
  const name = who.profileUrl
    ? `<a href="${e(who.profileUrl)}" style="${link}">${e(who.name)}</a>`
    : e(who.name);
  return `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 16px"><tr>${picture}<td>
<div style="font-weight:600">${name}</div>${who.details ? `<div style="font-size:13px;${muted}">${e(who.details)}</div>` : ''}
</td></tr></table>`;
}

function factsTable(view: EmailView): string {
  if (view.facts.length === 0) return '';
  const rows = view.facts
    .map(
      ([label, value]) =>
        `<tr><td style="padding:4px 12px 4px 0;vertical-align:top;white-space:nowrap;${muted}">${e(label)}</td>` +
        `<td style="padding:4px 0">${e(value)}</td></tr>`,
    )
    .join('\n');
  return `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 16px;font-size:14px">\n${rows}\n</table>`;
}

function quote(view: EmailView): string {
  if (!view.quote) return '';
  const body = textLines(view.quote.text).map(e).join('<br>\n');
  return `<p style="margin:0 0 4px;font-size:13px;${muted}">${e(view.quote.author)} wrote:</p>
<blockquote style="margin:0 0 16px;padding:8px 12px;border-left:3px solid #d0d7de;${muted}">${body}</blockquote>`;
}

function dealButton(view: EmailView): string {
  if (!view.dealUrl) return '';
  return `<p style="margin:0"><a href="${e(view.dealUrl)}" style="${button}">Open the deal</a></p>`;
}

/** One delivery's card: what it is, who, the facts, a quoted reply and the deal link. */
function card(view: EmailView): string {
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="${cardStyle}"><tr><td style="padding:24px">
<p style="margin:0 0 4px;font-size:12px;text-transform:uppercase;letter-spacing:.06em;${muted}">${e(view.label)}</p>
<h1 style="margin:0 0 16px;font-size:20px;line-height:1.3">${e(view.headline)}</h1>
${influencerCard(view.influencer)}
${factsTable(view)}
${quote(view)}
${dealButton(view)}
</td></tr></table>`;
}

/** The HTML part: a card per delivery, in order, and a footer naming the deliveries. */
export function renderHtml(sections: readonly Section[], subject: string): string {
  const cards = sections.map((section) => card(section.view)).join('\n<div style="height:16px"></div>\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(subject)}</title>
</head>
<body style="margin:0;padding:24px;background:#f6f8fa;font-family:${font};color:#1f2328">
${cards}
<p style="max-width:600px;margin:12px auto 0;font-size:12px;${muted}">Sent by herohooks · ${e(deliveriesLine(sections))}</p>
</body>
</html>
`;
}
