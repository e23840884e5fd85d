import { escapeText } from './escape';

// One locale for every message so a channel reads consistently; amounts keep their own currency.
const LOCALE = 'en-US';

const plain = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 2 });

/** 48210 → "48,210". */
export function formatCount(n: number): string {
  return plain.format(n);
}

/** 184300 → "184.3K" (follower counts). */
export function formatCompact(n: number): string {
  return compact.format(n);
}

/** Percent units: 15 → "15%". */
export function formatPercent(percentUnits: number): string {
  return percent.format(percentUnits / 100);
}

/** A fraction: 0.1 → "10%". */
export function formatFraction(fraction: number): string {
  return percent.format(fraction);
}

// Building a NumberFormat costs far more than formatting with one: one per currency code (at most 26³).
const currencyFormats = new Map<string, Intl.NumberFormat>();
function currencyFormat(code: string): Intl.NumberFormat {
  let format = currencyFormats.get(code);
  if (!format) {
    format = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: code });
    currencyFormats.set(code, format);
  }
  return format;
}

/**
 * 1500 + "USD" → "$1,500.00". A malformed code still shows the amount, followed by the code as sent (escaped:
 * the result is mrkdwn).
 */
export function formatMoney(amount: number, currency: string | undefined): string {
  const code = currency?.trim().toUpperCase();
  // A well-formed code Intl does not know is still formatted ("XYZ 1,500.00"); only a malformed one is not.
  if (code && /^[A-Z]{3}$/.test(code)) return currencyFormat(code).format(amount);
  return currency ? `${plain.format(amount)} ${escapeText(currency)}` : plain.format(amount);
}
