import { formatPercent } from '../format';
import { num, record, str } from '../read';
import type { TypeRenderer } from '../renderer';
import { change, plainText } from '../snippets';

function percent(value: unknown): string | undefined {
  const n = num(value);
  return n === undefined ? undefined : formatPercent(n);
}

export const updateCommission: TypeRenderer = (payload, who) => {
  const info = record(payload.commission_information);
  const rates = change(percent(info.old_commission_perc), percent(info.new_commission_perc));
  return {
    summary: rates ? `Commission for ${who} changed: *${rates}*.` : `Commission for ${who} changed.`,
    facts: [
      ['Collaboration', plainText(str(payload.collab_id))],
      ['Creator Hero collab', payload.is_ch_collab === true && 'yes'],
    ],
  };
};
