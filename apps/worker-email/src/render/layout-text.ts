import { oneLine, textLines } from './safe';
import type { EmailView } from './view';

/** The plain-text part: the same content as the HTML part, one fact per line, a reply quoted with "> ". */
export function renderText(view: EmailView, deliveryId: string): string {
  const who = view.influencer;
  const blocks: string[][] = [
    [view.label.toUpperCase(), oneLine(view.headline)],
    [
      `Influencer: ${oneLine(who.name)}${who.details ? ` (${oneLine(who.details)})` : ''}`,
      ...(who.profileUrl ? [`Profile: ${who.profileUrl}`] : []),
    ],
  ];
  if (view.facts.length > 0) blocks.push(view.facts.map(([label, value]) => `${label}: ${oneLine(value)}`));
  if (view.quote) {
    blocks.push([`${oneLine(view.quote.author)} wrote:`, ...textLines(view.quote.text).map((line) => `> ${line}`.trimEnd())]);
  }
  if (view.dealUrl) blocks.push([`Open the deal: ${view.dealUrl}`]);
  blocks.push(['-- ', `Sent by herohooks · delivery ${oneLine(deliveryId)}`]);
  return `${blocks.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}
