import { record, str } from '../read';
import type { TypeRenderer } from '../renderer';
import { quote } from '../snippets';

export const newMaxBid: TypeRenderer = (payload, who) => ({
  summary: `A max bid was requested for ${who}.`,
  detail: quote(str(record(payload.max_bid_information).max_bid_comment)),
});
