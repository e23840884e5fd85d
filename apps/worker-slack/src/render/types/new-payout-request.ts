import { formatMoney } from '../format';
import { num, record, str } from '../read';
import type { TypeRenderer } from '../renderer';
import { plainText, quote } from '../snippets';

export const newPayoutRequest: TypeRenderer = (payload, who) => {
  const info = record(payload.payout_information);
  const amount = num(info.payout_amount);
  const money = amount === undefined ? undefined : formatMoney(amount, str(info.payout_currency));
  return {
    summary: money ? `${who} requested a payout of *${money}*.` : `${who} requested a payout.`,
    facts: [['Brand', plainText(str(info.brand_id))]],
    detail: quote(str(info.payout_comment)),
  };
};
