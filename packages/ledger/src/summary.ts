import type { Queryable } from './db';

export interface MoneyTotal {
  count: number;
  /** Exact decimal sum as a string, "0" when there is none. */
  amount: string;
}

export interface CurrencySummary {
  currency: string;
  payoutRequests: MoneyTotal;
  orderRevenue: MoneyTotal;
  /** Order revenue converted to the account currency (rows whose account currency is this one). */
  accountCurrencyRevenue: MoneyTotal;
  paidCommission: MoneyTotal;
}

export interface LedgerSummary {
  events: { total: number; byType: Record<string, number> };
  currencies: CurrencySummary[];
}

type Measure = 'payoutRequests' | 'orderRevenue' | 'accountCurrencyRevenue' | 'paidCommission';

// One pass per measure, summed in numeric (exact); counts cast to int so both drivers return numbers.
const MONEY_SQL = `
SELECT currency, measure, count(*)::int AS count, sum(amount)::text AS amount FROM (
  SELECT payout_currency AS currency, 'payoutRequests' AS measure, payout_amount AS amount FROM payout_requests
  UNION ALL SELECT order_currency, 'orderRevenue', order_revenue FROM orders WHERE order_revenue IS NOT NULL
  UNION ALL SELECT account_currency, 'accountCurrencyRevenue', account_currency_revenue
    FROM orders WHERE account_currency_revenue IS NOT NULL
  UNION ALL SELECT account_currency, 'paidCommission', paid_commission FROM orders WHERE paid_commission IS NOT NULL
) money GROUP BY currency, measure ORDER BY currency`;

const zero = (): MoneyTotal => ({ count: 0, amount: '0' });

/** Per currency: payouts requested, order revenue, commissions; and how many events of each type were booked. */
export async function ledgerSummary(db: Queryable): Promise<LedgerSummary> {
  const [types, money] = await Promise.all([
    db.query<{ type: string; count: number }>('SELECT type, count(*)::int AS count FROM events GROUP BY type ORDER BY type'),
    db.query<{ currency: string; measure: Measure; count: number; amount: string }>(MONEY_SQL),
  ]);
  const currencies = new Map<string, CurrencySummary>();
  for (const row of money) {
    const entry = currencies.get(row.currency) ?? {
      currency: row.currency,
      payoutRequests: zero(),
      orderRevenue: zero(),
      accountCurrencyRevenue: zero(),
      paidCommission: zero(),
    };
    entry[row.measure] = { count: row.count, amount: row.amount };
    currencies.set(row.currency, entry);
  }
  return {
    events: {
      total: types.reduce((sum, row) => sum + row.count, 0),
      byType: Object.fromEntries(types.map((row) => [row.type, row.count])),
    },
    currencies: [...currencies.values()],
  };
}
