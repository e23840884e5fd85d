import type { WebhookType } from '@herohooks/contracts';

/** What each type is called in subjects and headings; a Record so a new webhook type cannot go unnamed. */
export const typeLabels: Record<WebhookType, string> = {
  new_payout_request: 'Payout request',
  new_max_bid: 'Max bid request',
  update_discount_code: 'Discount code updated',
  update_custom_link: 'Custom link updated',
  update_commission: 'Commission updated',
  product_sent: 'Product sent',
  new_email_sent: 'Email sent',
  new_influencer_reply: 'Influencer reply',
  new_influencer_order: 'Influencer order',
  new_influencer_post: 'Influencer post',
  media_kpi_updated: 'Media KPIs updated',
};

const counts = new Intl.NumberFormat('en-US');

// Building a NumberFormat costs far more than formatting with one: one per well-formed code (at most 26³).
const currencyFormats = new Map<string, Intl.NumberFormat>();
function currencyFormat(currency: string): Intl.NumberFormat {
  const code = currency.toUpperCase();
  let format = currencyFormats.get(code);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency: code, currencyDisplay: 'code' });
    currencyFormats.set(code, format);
  }
  return format;
}

/** "USD 1,500.00"; a currency code Intl does not know is shown as given, beside the plain number. */
export function money(amount: number, currency: string): string {
  try {
    return currencyFormat(currency).format(amount).replace(/\u00a0/g, ' ');
  } catch {
    return `${currency} ${counts.format(amount)}`;
  }
}

export function count(value: number): string {
  return counts.format(value);
}

/** Unix seconds as a string ("1693427202") → "2023-08-30 20:26:42 UTC"; undefined when it is not one. */
export function unixTime(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^\d{1,12}$/.test(value)) return undefined;
  return `${new Date(Number(value) * 1_000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "old_commission_perc" → "Old commission perc". */
export function humanize(key: string): string {
  const words = key.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
