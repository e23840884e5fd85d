import { isWebhookType } from '@herohooks/contracts';
import {
  exportLedger,
  ledgerSummary,
  openLedger,
  parseLedgerLocation,
  type LedgerDb,
  type LedgerSummary,
} from '@herohooks/ledger';
import { parseOptions } from '../args';
import { EXIT_OK, UsageError, type Command, type CommandIo } from '../command';
import { renderTable } from '../table';

// A date (midnight UTC) or an instant with its zone: a zoneless time would silently mean the machine's zone.
const SINCE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

function sinceOption(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const instant = SINCE.test(value) ? new Date(value) : null;
  if (!instant || Number.isNaN(instant.getTime())) {
    throw new UsageError('--since must be an ISO-8601 date (2025-03-01) or instant with a zone (2025-03-01T10:00:00Z)');
  }
  return instant;
}

async function withLedger<T>(io: CommandIo, use: (db: LedgerDb) => Promise<T>): Promise<T> {
  const db = await openLedger(parseLedgerLocation(io.env));
  try {
    return await use(db);
  } finally {
    await db.close();
  }
}

function renderSummary(summary: LedgerSummary): string {
  const types = renderTable(
    ['type', 'events'],
    [...Object.entries(summary.events.byType), ['total', summary.events.total] as const],
  );
  const money = renderTable(
    ['currency', 'payouts', 'payout amount', 'orders', 'order revenue', 'account-currency revenue', 'paid commission'],
    summary.currencies.map((c) => [
      c.currency,
      c.payoutRequests.count,
      c.payoutRequests.amount,
      c.orderRevenue.count,
      c.orderRevenue.amount,
      c.accountCurrencyRevenue.amount,
      c.paidCommission.amount,
    ]),
  );
  return `${types}\n${summary.currencies.length ? money : 'no amounts booked yet\n'}`;
}

function noPositionals(positionals: string[]): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
}

async function summary(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, { json: { type: 'boolean' } });
  noPositionals(positionals);
  const result = await withLedger(io, ledgerSummary);
  io.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : renderSummary(result));
  return EXIT_OK;
}

async function exportRows(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    format: { type: 'string' },
    type: { type: 'string' },
    since: { type: 'string' },
  });
  noPositionals(positionals);
  const { format, type } = values;
  if (format !== 'csv' && format !== 'json') throw new UsageError('--format must be csv or json');
  if (type !== undefined && !isWebhookType(type)) throw new UsageError(`--type "${type}" is not a webhook type`);
  const since = sinceOption(values.since);
  await withLedger(io, (db) => exportLedger(db, { format, type, since }, io.stdout));
  return EXIT_OK;
}

export const ledger: Command = {
  name: 'ledger',
  summary: 'the ledger: totals per currency and type, or every booked row as CSV/JSON (streamed)',
  usage: 'herohooks ledger summary [--json] | ledger export --format csv|json [--type T] [--since ISO]',
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'summary') return summary(rest, io);
    if (sub === 'export') return exportRows(rest, io);
    throw new UsageError(sub ? `unknown ledger command "${sub}"` : 'summary or export expected');
  },
};
