import { escapeText } from '../escape';
import { formatFraction, formatMoney } from '../format';
import { num, record, str, type Fields } from '../read';
import type { TypeRenderer } from '../renderer';
import { code, plainText } from '../snippets';

function money(info: Fields, amountKey: string, currencyKey: string): string | undefined {
  const amount = num(info[amountKey]);
  return amount === undefined ? undefined : formatMoney(amount, str(info[currencyKey]));
}

/** "$15.00 (10%)": paid_commission is in the account currency, commission_rate a fraction (0.1 = 10 %). */
function commission(info: Fields): string | undefined {
  const paid = money(info, 'paid_commission', 'account_currency');
  const rate = num(info.commission_rate);
  const share = rate === undefined ? undefined : formatFraction(rate);
  if (paid && share) return `${paid} (${share})`;
  return paid ?? share;
}

/** "discount_code,utm_link" → "discount code, utm link". */
function attribution(raw: string | undefined): string | undefined {
  return raw === undefined
    ? undefined
    : escapeText(
        raw
          .split(',')
          .map((part) => part.trim().replaceAll('_', ' '))
          .join(', '),
      );
}

export const newInfluencerOrder: TypeRenderer = (payload, who) => {
  const info = record(payload.order_information);
  const revenue = money(info, 'order_revenue', 'order_currency');
  const converted = str(info.account_currency) !== str(info.order_currency);
  const paid = commission(info);
  const headline = revenue ? `${who} drove an order of *${revenue}*` : `${who} drove an order`;
  return {
    summary: paid ? `${headline}, commission *${paid}*.` : `${headline}.`,
    facts: [
      ['Order', plainText(str(info.order_name) ?? str(info.order_id))],
      ['Revenue', revenue],
      ['In account currency', converted && money(info, 'account_currency_revenue', 'account_currency')],
      ['Commission', paid],
      ['Attributed by', attribution(str(info.match_types))],
      ['Discount codes', code(str(info.discount_codes))],
      ['Store', plainText(str(info.platform))],
      ['Placed', plainText(str(info.order_timestamp))],
    ],
  };
};
