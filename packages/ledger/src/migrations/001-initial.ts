// Money is numeric (exact), every amount sits next to a NOT NULL-when-used currency, percentages say "perc"
// (15 = 15 %) and the order commission rate says "fraction" (0.10 = 10 %). Every projection row carries the
// delivery_id of the event it came from, unique, so a redelivered job books nothing twice.
export const initial = `
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'P0001';
END $$;

CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id text NOT NULL UNIQUE,
  type text NOT NULL,
  received_at timestamptz NOT NULL,
  deal_id text,
  collab_id text,
  payload jsonb NOT NULL,
  booked_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_type_id ON events (type, id);
CREATE INDEX events_received_at ON events (received_at);
CREATE INDEX events_deal_id ON events (deal_id);

CREATE TABLE payout_requests (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id text NOT NULL UNIQUE REFERENCES events (delivery_id),
  received_at timestamptz NOT NULL,
  deal_id text,
  brand_id text NOT NULL,
  payout_amount numeric NOT NULL,
  payout_currency text NOT NULL CHECK (payout_currency ~ '^[A-Z]{3}$'),
  payout_comment text NOT NULL
);

CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id text NOT NULL UNIQUE REFERENCES events (delivery_id),
  received_at timestamptz NOT NULL,
  deal_id text,
  collab_id text,
  order_id text,
  order_name text,
  order_revenue numeric,
  order_currency text CHECK (order_currency ~ '^[A-Z]{3}$'),
  account_currency_revenue numeric,
  paid_commission numeric,
  account_currency text CHECK (account_currency ~ '^[A-Z]{3}$'),
  commission_rate_fraction numeric,
  discount_codes text,
  match_types text,
  platform text,
  order_timestamp text,
  ordered_at timestamptz,
  CHECK (order_revenue IS NULL OR order_currency IS NOT NULL),
  CHECK ((account_currency_revenue IS NULL AND paid_commission IS NULL) OR account_currency IS NOT NULL)
);
CREATE INDEX orders_order_id ON orders (order_id);
CREATE INDEX orders_received_at ON orders (received_at);

CREATE TABLE commission_changes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id text NOT NULL UNIQUE REFERENCES events (delivery_id),
  received_at timestamptz NOT NULL,
  deal_id text NOT NULL,
  collab_id text NOT NULL,
  old_commission_perc numeric,
  new_commission_perc numeric,
  is_ch_collab boolean
);

CREATE TABLE discount_code_changes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id text NOT NULL UNIQUE REFERENCES events (delivery_id),
  received_at timestamptz NOT NULL,
  deal_id text NOT NULL,
  collab_id text NOT NULL,
  old_discount_code text,
  old_discount_perc numeric,
  new_discount_code text,
  new_discount_perc numeric
);

CREATE TABLE custom_link_changes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id text NOT NULL UNIQUE REFERENCES events (delivery_id),
  received_at timestamptz NOT NULL,
  deal_id text,
  collab_id text,
  old_custom_link text,
  old_custom_link_target text,
  new_custom_link text,
  new_custom_link_target text
);

CREATE TABLE product_shipments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id text NOT NULL UNIQUE REFERENCES events (delivery_id),
  received_at timestamptz NOT NULL,
  deal_id text,
  customer_first_name text,
  customer_last_name text,
  customer_email text,
  shipping_address jsonb,
  phone text
);

CREATE TABLE product_shipment_items (
  delivery_id text NOT NULL REFERENCES product_shipments (delivery_id),
  line_no integer NOT NULL,
  variant_id bigint NOT NULL,
  quantity integer NOT NULL,
  variant_name text,
  PRIMARY KEY (delivery_id, line_no)
);

CREATE TABLE max_bid_requests (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id text NOT NULL UNIQUE REFERENCES events (delivery_id),
  received_at timestamptz NOT NULL,
  deal_id text,
  max_bid_comment text
);

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER payout_requests_append_only BEFORE UPDATE OR DELETE ON payout_requests
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER orders_append_only BEFORE UPDATE OR DELETE ON orders
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

COMMENT ON COLUMN orders.commission_rate_fraction IS 'as given by new_influencer_order: a fraction, 0.10 = 10 %';
COMMENT ON COLUMN orders.paid_commission IS 'in account_currency';
COMMENT ON COLUMN commission_changes.new_commission_perc IS 'percent units: 15 = 15 %';
COMMENT ON COLUMN discount_code_changes.new_discount_perc IS 'percent units: 15 = 15 %';
`;
