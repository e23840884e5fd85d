import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isWebhookType, webhookTypes, type WebhookType } from '@herohooks/contracts';
import { fixtureText } from '@herohooks/contracts/fixtures';
import { csv } from '@herohooks/runtime';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from '@herohooks/signing';
import { parseOptions, positiveInt } from '../args';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Command, type CommandIo } from '../command';
import { renderTable } from '../table';

interface Target {
  url: string;
  secret: string;
}

interface Outcome {
  type: WebhookType;
  status: number;
  /** Delivery id, or the error code when refused. */
  id: string;
  ms: number;
}

/** Signs the raw bytes and posts them the way Influencer Hero does (fetch keeps connections alive by default). */
async function post(target: Target, type: WebhookType, body: string): Promise<Outcome> {
  const started = performance.now();
  const response = await fetch(`${target.url.replace(/\/+$/, '')}/webhooks/influencer-hero/${type}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: sign(body, target.secret),
      [TIMESTAMP_HEADER]: String(Math.floor(Date.now() / 1000)),
    },
    body,
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let id = '';
  try {
    const answer = JSON.parse(text) as { id?: string; error?: { code?: string } };
    id = answer.id ?? answer.error?.code ?? '';
  } catch {
    id = text.slice(0, 80);
  }
  return { type, status: response.status, id, ms };
}

/**
 * The n-th distinct copy of a body. The ingress drops a second copy of the same raw bytes as a duplicate, so a
 * load run adds `_herohooks_seq` (run id + sequence number): schemas keep unknown fields, and a second run within
 * the dedup window is not deduplicated against the first either.
 */
function variant(body: string, runId: string, seq: number): string {
  const value: unknown = JSON.parse(body);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError('--count needs a JSON object body (it adds a _herohooks_seq field to make copies distinct)');
  }
  return JSON.stringify({ ...value, _herohooks_seq: `${runId}-${seq}` });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

async function load(
  target: Target,
  bodies: Map<WebhookType, string>,
  count: number,
  concurrency: number,
  io: CommandIo,
) {
  const runId = randomUUID().slice(0, 8);
  const types = [...bodies.keys()];
  const outcomes: Outcome[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let seq = next++; seq < count; seq = next++) {
      const type = types[seq % types.length]!;
      outcomes.push(await post(target, type, variant(bodies.get(type)!, runId, seq)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const seconds = (performance.now() - started) / 1000;
  const latencies = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const statuses = new Map<number, number>();
  for (const o of outcomes) statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  io.stdout.write(
    renderTable(
      ['requests', 'seconds', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'statuses'],
      [
        [
          outcomes.length,
          round(seconds),
          Math.round(outcomes.length / seconds),
          round(percentile(latencies, 50)),
          round(percentile(latencies, 99)),
          round(latencies.at(-1) ?? 0),
          [...statuses].map(([status, n]) => `${status}×${n}`).join(' '),
        ],
      ],
    ),
  );
  return outcomes;
}

export const send: Command = {
  name: 'send',
  summary: 'signs and posts the sample payloads (or --file); with --count, throughput and latency percentiles',
  usage: 'herohooks send <type|all> [--url U] [--secret S] [--file F] [--count N] [--concurrency C]',
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, {
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
      secret: { type: 'string' },
      file: { type: 'string' },
      count: { type: 'string' },
      concurrency: { type: 'string' },
    });
    const [which, ...extra] = positionals;
    if (!which || extra.length > 0) throw new UsageError('name one webhook type, or "all"');
    if (which !== 'all' && !isWebhookType(which)) throw new UsageError(`unknown webhook type "${which}"`);
    if (which === 'all' && values.file) throw new UsageError('--file needs one webhook type, not "all"');
    const secret = values.secret ?? csv(io.env.IH_WEBHOOK_SECRETS)[0];
    if (!secret) throw new UsageError('no secret: pass --secret or set IH_WEBHOOK_SECRETS');
    const target = { url: values.url, secret };

    const types: WebhookType[] = which === 'all' ? webhookTypes : [which];
    const fileBody = values.file ? await readFile(values.file, 'utf8') : undefined;
    const bodies = new Map(types.map((type) => [type, fileBody ?? fixtureText(type)]));

    let outcomes: Outcome[];
    if (values.count === undefined) {
      outcomes = [];
      for (const [type, body] of bodies) outcomes.push(await post(target, type, body));
      io.stdout.write(
        renderTable(
          ['type', 'status', 'delivery'],
          outcomes.map((o) => [o.type, o.status, o.id]),
        ),
      );
    } else {
      const count = positiveInt(values.count, 'count', 1);
      outcomes = await load(target, bodies, count, positiveInt(values.concurrency, 'concurrency', 16), io);
    }
    return outcomes.every((o) => o.status >= 200 && o.status < 300) ? EXIT_OK : EXIT_FAILURE;
  },
};
