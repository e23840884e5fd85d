import { formatPercent } from '../format';
import { num, record, str, type Fields } from '../read';
import type { TypeRenderer } from '../renderer';
import { change, code, plainText } from '../snippets';

/** "`ROCK15` (15%)", or whichever half is present. */
function discount(info: Fields, side: 'old' | 'new'): string | undefined {
  const name = code(str(info[`${side}_discount_code`]));
  const perc = num(info[`${side}_discount_perc`]);
  const share = perc === undefined ? undefined : formatPercent(perc);
  if (name && share) return `${name} (${share})`;
  return name ?? share;
}

export const updateDiscountCode: TypeRenderer = (payload, who) => {
  const info = record(payload.code_information);
  const codes = change(discount(info, 'old'), discount(info, 'new'));
  return {
    summary: codes ? `Discount code for ${who} changed: ${codes}.` : `Discount code for ${who} changed.`,
    facts: [['Collaboration', plainText(str(payload.collab_id))]],
  };
};
