import type { WebhookEvent } from '@herohooks/contracts';
import { humanize, typeLabels, unixTime } from '../format';
import { asRecord, dealUrlOf, influencerOf } from '../influencer';
import { facts, type EmailView, type Fact } from '../view';

const MAX_FACTS = 30;
const MAX_DEPTH = 4;
/** Shown elsewhere in the email (influencer card, deal button, "Sent" row). */
const SHOWN_APART = new Set(['deal_info', 'deal_url', 'webhook_timestamp']);

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (value === null) return 'none';
  return undefined;
}

// Section names such as "commission_information" add nothing to a row label, so they are left out of it.
function labelOf(path: readonly string[]): string {
  const kept = path.filter((key, i) => i === path.length - 1 || !/_info(rmation)?$/.test(key));
  return kept.map(humanize).join(' › ');
}

function flatten(value: unknown, path: string[], out: Fact[]): void {
  if (out.length >= MAX_FACTS) return;
  const text = scalar(value);
  if (text !== undefined) {
    out.push([labelOf(path), text]);
    return;
  }
  if (path.length >= MAX_DEPTH) return;
  const entries = Array.isArray(value)
    ? value.map((item, i) => [`#${i + 1}`, item] as const)
    : Object.entries(asRecord(value));
  for (const [key, item] of entries) flatten(item, [...path, key], out);
}

/** Any type without its own template: the influencer card and every payload field as a row. */
export function generic(event: WebhookEvent): EmailView {
  const payload = event.payload as Record<string, unknown>;
  const who = influencerOf(payload);
  const label = typeLabels[event.type];
  const rows: Fact[] = [];
  for (const [key, value] of Object.entries(payload)) if (!SHOWN_APART.has(key)) flatten(value, [key], rows);
  return {
    label,
    subject: [who.name, who.dealflow],
    headline: `${label}: ${who.name}`,
    influencer: who,
    facts: [...facts([['Sent', unixTime(payload.webhook_timestamp)]]), ...rows],
    dealUrl: dealUrlOf(payload),
  };
}
