import { escapeText } from '../escape';
import { formatCount } from '../format';
import { clip } from '../limits';
import { list, num, record, str, type Fields } from '../read';
import type { TypeRenderer } from '../renderer';

// A shipment with hundreds of lines still makes a readable message (and fits one section): the rest is counted.
const MAX_LISTED_ITEMS = 15;
const MAX_ITEM_NAME = 150;

function itemLine(item: Fields): string {
  const quantity = num(item.quantity) ?? 1;
  const variantId = num(item.variant_id);
  const name = str(item.variant_name) ?? (variantId === undefined ? 'unnamed item' : `variant ${variantId}`);
  return `• ${formatCount(quantity)} × ${escapeText(clip(name, MAX_ITEM_NAME))}`;
}

export const productSent: TypeRenderer = (payload, who) => {
  const items = list(record(payload.send_product_info).line_items);
  const units = items.reduce((sum, item) => sum + (num(item.quantity) ?? 1), 0);
  const lines = items.slice(0, MAX_LISTED_ITEMS).map(itemLine);
  if (items.length > MAX_LISTED_ITEMS) lines.push(`_…and ${formatCount(items.length - MAX_LISTED_ITEMS)} more lines_`);
  return {
    summary:
      units > 0
        ? `${formatCount(units)} ${units === 1 ? 'item was' : 'items were'} sent to ${who}.`
        : `A product was sent to ${who}.`,
    detail: lines.length > 0 ? lines.join('\n') : undefined,
  };
};
