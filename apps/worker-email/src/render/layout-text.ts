import { oneLine, textLines } from './safe';
import { deliveriesLine, type EmailView, type Section } from './view';

/** One delivery's paragraphs: one fact per line, a reply quoted with "> ". */
function paragraphs(view: EmailView): string[][] {
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
  return blocks;
}

const RULE = '-'.repeat(40);

/** The plain-text part: the same content as the HTML part, deliveries apart by a rule, then the signature. */
export function renderText(sections: readonly Section[]): string {
  const body = sections.map((section) => paragraphs(section.view).map((lines) => lines.join('\n')).join('\n\n'));
  return `${body.join(`\n\n${RULE}\n\n`)}\n\n-- \nSent by herohooks · ${oneLine(deliveriesLine(sections))}\n`;
}
