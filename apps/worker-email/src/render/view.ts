import type { Influencer } from './influencer';

/** One label/value row of the facts table. */
export type Fact = readonly [label: string, value: string];

/**
 * What a template decides: the words and links of one email. The layouts turn a view into the HTML part and the
 * text part, so every template gets both, escaped the same way.
 */
export interface EmailView {
  /** "Payout request": the subject's bracketed prefix and the HTML eyebrow. */
  label: string;
  /** Subject parts after the prefix, joined with " — "; missing ones are dropped. */
  subject: readonly (string | undefined)[];
  headline: string;
  influencer: Influencer;
  facts: readonly Fact[];
  /** Text someone wrote (an influencer's reply), quoted as it was written. */
  quote?: { author: string; text: string } | undefined;
  /** Link to the deal in Influencer Hero, when the payload has one. */
  dealUrl?: string | undefined;
}

/** Drops rows whose value is missing, so templates can list every field they know. */
export function facts(rows: readonly (readonly [string, string | undefined])[]): Fact[] {
  return rows.filter((row): row is Fact => row[1] !== undefined && row[1].trim() !== '');
}

/** One delivery in an email: its view and its delivery id. */
export interface Section {
  view: EmailView;
  deliveryId: string;
}

/** "delivery <id>", or "deliveries <id>, <id>, …" for an email that carries several. */
export function deliveriesLine(sections: readonly Section[]): string {
  const ids = sections.map((section) => section.deliveryId).join(', ');
  return sections.length === 1 ? `delivery ${ids}` : `deliveries ${ids}`;
}
