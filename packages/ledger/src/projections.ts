import type { WebhookType } from '@herohooks/contracts';
import { UnbookableEventError } from './errors';
import {
  bool,
  currency,
  decimal,
  integer,
  isObject,
  object,
  orderInstant,
  requireCurrencyFor,
  requiredObject,
  requiredText,
  text,
  type JsonObject,
} from './fields';

export type SqlValue = string | boolean | null;

/** A row for a table; the booking adds delivery_id (and received_at to the projection's own row). */
export interface ProjectionRow {
  table: string;
  values: Record<string, SqlValue>;
}

export interface Projection<C extends string = string> {
  table: string;
  /** The projection's own columns besides id, delivery_id and received_at, in export order. */
  columns: readonly C[];
  row(payload: JsonObject): Record<C, SqlValue>;
  /** Rows of child tables (e.g. line items), written in the same transaction. */
  children?(payload: JsonObject): ProjectionRow[];
}

function projection<const C extends string>(definition: Projection<C>): Projection<C> {
  return definition;
}

const payoutRequests = projection({
  table: 'payout_requests',
  columns: ['deal_id', 'brand_id', 'payout_amount', 'payout_currency', 'payout_comment'],
  row(payload) {
    const info = requiredObject(payload, 'payout_information', '');
    const amount = decimal(info, 'payout_amount', '.payout_information');
    const code = currency(info, 'payout_currency', '.payout_information');
    if (amount === null || code === null) {
      throw new UnbookableEventError('missing_field', 'a payout request needs payout_amount and payout_currency');
    }
    return {
      deal_id: text(payload, 'deal_id', ''),
      brand_id: requiredText(info, 'brand_id', '.payout_information'),
      payout_amount: amount,
      payout_currency: code,
      payout_comment: requiredText(info, 'payout_comment', '.payout_information'),
    };
  },
});

const orders = projection({
  table: 'orders',
  columns: [
    'deal_id',
    'collab_id',
    'order_id',
    'order_name',
    'order_revenue',
    'order_currency',
    'account_currency_revenue',
    'paid_commission',
    'account_currency',
    'commission_rate_fraction',
    'discount_codes',
    'match_types',
    'platform',
    'order_timestamp',
    'ordered_at',
  ],
  row(payload) {
    const path = '.order_information';
    const info = requiredObject(payload, 'order_information', '');
    const orderRevenue = decimal(info, 'order_revenue', path);
    const orderCurrency = currency(info, 'order_currency', path);
    const accountRevenue = decimal(info, 'account_currency_revenue', path);
    const paidCommission = decimal(info, 'paid_commission', path);
    const accountCurrency = currency(info, 'account_currency', path);
    requireCurrencyFor(orderRevenue, orderCurrency, `${path}.order_revenue`);
    requireCurrencyFor(accountRevenue, accountCurrency, `${path}.account_currency_revenue`);
    requireCurrencyFor(paidCommission, accountCurrency, `${path}.paid_commission`);
    const orderTimestamp = text(info, 'order_timestamp', path);
    return {
      deal_id: text(payload, 'deal_id', ''),
      collab_id: text(payload, 'collab_id', ''),
      order_id: text(info, 'order_id', path),
      order_name: text(info, 'order_name', path),
      order_revenue: orderRevenue,
      order_currency: orderCurrency,
      account_currency_revenue: accountRevenue,
      paid_commission: paidCommission,
      account_currency: accountCurrency,
      commission_rate_fraction: decimal(info, 'commission_rate', path),
      discount_codes: text(info, 'discount_codes', path),
      match_types: text(info, 'match_types', path),
      platform: text(info, 'platform', path),
      order_timestamp: orderTimestamp,
      ordered_at: orderInstant(orderTimestamp),
    };
  },
});

const commissionChanges = projection({
  table: 'commission_changes',
  columns: ['deal_id', 'collab_id', 'old_commission_perc', 'new_commission_perc', 'is_ch_collab'],
  row(payload) {
    const info = requiredObject(payload, 'commission_information', '');
    return {
      deal_id: requiredText(payload, 'deal_id', ''),
      collab_id: requiredText(payload, 'collab_id', ''),
      old_commission_perc: decimal(info, 'old_commission_perc', '.commission_information'),
      new_commission_perc: decimal(info, 'new_commission_perc', '.commission_information'),
      is_ch_collab: bool(payload, 'is_ch_collab', ''),
    };
  },
});

const discountCodeChanges = projection({
  table: 'discount_code_changes',
  columns: ['deal_id', 'collab_id', 'old_discount_code', 'old_discount_perc', 'new_discount_code', 'new_discount_perc'],
  row(payload) {
    const path = '.code_information';
    const info = requiredObject(payload, 'code_information', '');
    return {
      deal_id: requiredText(payload, 'deal_id', ''),
      collab_id: requiredText(payload, 'collab_id', ''),
      old_discount_code: text(info, 'old_discount_code', path),
      old_discount_perc: decimal(info, 'old_discount_perc', path),
      new_discount_code: text(info, 'new_discount_code', path),
      new_discount_perc: decimal(info, 'new_discount_perc', path),
    };
  },
});

const customLinkChanges = projection({
  table: 'custom_link_changes',
  columns: [
    'deal_id',
    'collab_id',
    'old_custom_link',
    'old_custom_link_target',
    'new_custom_link',
    'new_custom_link_target',
  ],
  row(payload) {
    const path = '.custom_link_information';
    const info = requiredObject(payload, 'custom_link_information', '');
    return {
      deal_id: text(payload, 'deal_id', ''),
      collab_id: text(payload, 'collab_id', ''),
      old_custom_link: text(info, 'old_custom_link', path),
      old_custom_link_target: text(info, 'old_custom_link_target', path),
      new_custom_link: text(info, 'new_custom_link', path),
      new_custom_link_target: text(info, 'new_custom_link_target', path),
    };
  },
});

function lineItems(payload: JsonObject): ProjectionRow[] {
  const path = '.send_product_info.line_items';
  const items = requiredObject(payload, 'send_product_info', '').line_items;
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) throw new UnbookableEventError('invalid_field', `${path} must be an array`);
  return items.map((item: unknown, index) => {
    const at = `${path}[${index}]`;
    if (!isObject(item)) throw new UnbookableEventError('invalid_field', `${at} must be an object`);
    const variantId = integer(item, 'variant_id', at);
    const quantity = integer(item, 'quantity', at);
    if (variantId === null || quantity === null) {
      throw new UnbookableEventError('missing_field', `${at} needs variant_id and quantity`);
    }
    return {
      table: 'product_shipment_items',
      values: { line_no: String(index + 1), variant_id: variantId, quantity, variant_name: text(item, 'variant_name', at) },
    };
  });
}

const productShipments = projection({
  table: 'product_shipments',
  columns: ['deal_id', 'customer_first_name', 'customer_last_name', 'customer_email', 'shipping_address', 'phone'],
  row(payload) {
    const path = '.send_product_info';
    const info = requiredObject(payload, 'send_product_info', '');
    const customer = object(info, 'customer', path) ?? {};
    const address = object(info, 'shipping_address', path);
    return {
      deal_id: text(payload, 'deal_id', ''),
      customer_first_name: text(customer, 'first_name', `${path}.customer`),
      customer_last_name: text(customer, 'last_name', `${path}.customer`),
      customer_email: text(customer, 'email', `${path}.customer`),
      shipping_address: address && JSON.stringify(address),
      phone: text(info, 'phone', path),
    };
  },
  children: lineItems,
});

const maxBidRequests = projection({
  table: 'max_bid_requests',
  columns: ['deal_id', 'max_bid_comment'],
  row(payload) {
    const info = object(payload, 'max_bid_information', '') ?? {};
    return {
      deal_id: text(payload, 'deal_id', ''),
      max_bid_comment: text(info, 'max_bid_comment', '.max_bid_information'),
    };
  },
});

/**
 * The finance projection of each webhook type. Emails, replies, posts and KPI refreshes live only in the event
 * log (their payload is there in full).
 */
export const projections: Partial<Record<WebhookType, Projection>> = {
  new_payout_request: payoutRequests,
  new_influencer_order: orders,
  update_commission: commissionChanges,
  update_discount_code: discountCodeChanges,
  update_custom_link: customLinkChanges,
  product_sent: productShipments,
  new_max_bid: maxBidRequests,
};
