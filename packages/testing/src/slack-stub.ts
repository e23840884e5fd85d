import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Slack Web API on 127.0.0.1 for tests. It reads requests the way @slack/web-api sends them
 * (application/x-www-form-urlencoded, objects such as `blocks` and `metadata` as JSON strings; JSON bodies
 * too), checks the bearer token, records every call with its time, and answers as Slack does: HTTP 200 with
 * `{ok:true|false}`, or HTTP 429 with Retry-After, or whatever failure a test scripts.
 *
 * Methods: `chat.postMessage` (each accepted message gets a unique, increasing `ts` and joins the channel's
 * history) and `conversations.history` (newest first, `oldest`/`latest`/`inclusive`, `limit`/`cursor`/`has_more`,
 * `metadata` only with `include_all_metadata`).
 */

export type StubFailure =
  | { rateLimited: { retryAfterSeconds: number } }
  | { httpStatus: number }
  | { error: string };

export interface StubCall {
  method: string;
  /** Milliseconds since the epoch when the request arrived. */
  at: number;
  body: Record<string, unknown>;
  /** What the stub answered: "ok", a Slack error code, "http_<status>" or "rate_limited". */
  outcome: string;
}

export interface SlackStub {
  /** Base URL for SLACK_API_URL / slackApiUrl, ending in "/". */
  url: string;
  token: string;
  calls: StubCall[];
  /** chat.postMessage calls that were accepted. */
  posted(): StubCall[];
  /**
   * The next `times` calls of `method` (default chat.postMessage; to `channel`, if given) get this failure
   * instead of being served.
   */
  fail(failure: StubFailure, options?: { times?: number; channel?: string; method?: string }): void;
  /**
   * From now on, calls are recorded and served but not answered until the returned function is called: a test
   * can see which calls a client makes without waiting for the answers of earlier ones.
   */
  holdAnswers(): () => void;
  close(): Promise<void>;
}

export interface SlackStubOptions {
  /**
   * What chat.postMessage keeps for conversations.history: 'messages' (default) every message whole, or
   * 'metadata' only its channel, ts and metadata, which is what finding a post by its delivery needs (history then
   * answers messages without text and blocks). For load tests, whose messages would otherwise pile up in memory.
   */
  history?: 'messages' | 'metadata';
}

interface Answer {
  outcome: string;
  status: number;
  json: object;
  headers?: Record<string, string>;
}

interface StoredMessage {
  channel: string;
  /** The ts in microseconds, for ordering and ranges. */
  micros: number;
  text?: unknown;
  blocks?: unknown;
  metadata: unknown;
}

// Fields @slack/web-api serialises with JSON.stringify in a form body.
const jsonFields = new Set(['blocks', 'attachments', 'metadata']);
const DEFAULT_HISTORY_LIMIT = 100;
const MAX_HISTORY_LIMIT = 999;

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').startsWith('application/json')) return JSON.parse(raw || '{}');
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) body[key] = jsonFields.has(key) ? JSON.parse(value) : value;
  return body;
}

function bearer(req: IncomingMessage, body: Record<string, unknown>): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length);
  return typeof body.token === 'string' ? body.token : undefined;
}

/** The Block Kit limits Slack enforces with `invalid_blocks` (a subset: what our messages use). */
function blocksAreValid(blocks: unknown): boolean {
  if (blocks === undefined) return true;
  if (!Array.isArray(blocks) || blocks.length > 50) return false;
  const length = (text: unknown) => (typeof text === 'object' && text && 'text' in text ? String(text.text).length : 0);
  return blocks.every((block: Record<string, unknown>) => {
    if (block.type === 'header') return length(block.text) >= 1 && length(block.text) <= 150;
    if (block.type === 'section') {
      const fields = Array.isArray(block.fields) ? block.fields : [];
      return length(block.text) <= 3_000 && fields.length <= 10 && fields.every((f) => length(f) <= 2_000);
    }
    if (block.type === 'context') return Array.isArray(block.elements) && block.elements.length <= 10;
    return block.type === 'divider' || block.type === 'actions';
  });
}

const formatTs = (micros: number) => `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;

/** "1712345678.000100" (or whole seconds) to microseconds; undefined when it is no Slack timestamp. */
function parseTs(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d+(\.\d{1,6})?$/.test(value)) return undefined;
  const [seconds = '0', fraction = ''] = value.split('.');
  return Number(seconds) * 1e6 + Number(fraction.padEnd(6, '0'));
}

// Slack's cursors are opaque base64; this one names the ts the next page starts at, as Slack's do.
const encodeCursor = (micros: number) => Buffer.from(`next_ts:${micros}`).toString('base64');
function decodeCursor(cursor: string): number | undefined {
  const match = /^next_ts:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

const flag = (value: unknown) => value === true || value === 'true' || value === '1';
const ok = (json: object): Answer => ({ outcome: 'ok', status: 200, json: { ok: true, ...json } });
const refuse = (error: string, extra: object = {}): Answer => ({
  outcome: error,
  status: 200,
  json: { ok: false, error, ...extra },
});

function scriptedAnswer(failure: StubFailure): Answer {
  if ('rateLimited' in failure) {
    const headers = { 'retry-after': String(failure.rateLimited.retryAfterSeconds) };
    return { outcome: 'rate_limited', status: 429, json: { ok: false, error: 'ratelimited' }, headers };
  }
  if ('httpStatus' in failure) return { outcome: `http_${failure.httpStatus}`, status: failure.httpStatus, json: {} };
  // Slack names the scope a missing_scope call needed and the ones the token has.
  const extra = failure.error === 'missing_scope' ? { needed: 'channels:history', provided: 'chat:write' } : {};
  return refuse(failure.error, extra);
}

interface Rule {
  failure: StubFailure;
  remaining: number;
  channel: string | undefined;
  method: string;
}

export async function startSlackStub(
  token = 'stub-bot-token',
  { history: keep = 'messages' }: SlackStubOptions = {},
): Promise<SlackStub> {
  const calls: StubCall[] = [];
  const rules: Rule[] = [];
  const messages: StoredMessage[] = [];
  let lastMicros = 0;
  let held: (() => void)[] | undefined;

  function scripted(method: string, channel: unknown): StubFailure | undefined {
    const rule = rules.find(
      (r) => r.remaining > 0 && r.method === method && (r.channel === undefined || r.channel === channel),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    return rule.failure;
  }

  function postMessage(body: Record<string, unknown>): Answer {
    if (typeof body.channel !== 'string' || body.channel === '') return refuse('channel_not_found');
    if (body.text === undefined && body.blocks === undefined) return refuse('no_text');
    if (typeof body.text === 'string' && body.text.length > 40_000) return refuse('msg_too_long');
    if (!blocksAreValid(body.blocks)) return refuse('invalid_blocks');
    lastMicros = Math.max(Date.now() * 1_000, lastMicros + 1);
    const whole = keep === 'messages' ? { text: body.text, blocks: body.blocks } : {};
    messages.push({ channel: body.channel, micros: lastMicros, metadata: body.metadata, ...whole });
    const ts = formatTs(lastMicros);
    return ok({ channel: body.channel, ts, message: { text: body.text, blocks: body.blocks, ts } });
  }

  function history(body: Record<string, unknown>): Answer {
    if (typeof body.channel !== 'string' || body.channel === '') return refuse('channel_not_found');
    const inclusive = flag(body.inclusive);
    const oldest = body.oldest === undefined ? 0 : parseTs(body.oldest);
    if (oldest === undefined) return refuse('invalid_ts_oldest');
    const latest = body.latest === undefined ? Number.POSITIVE_INFINITY : parseTs(body.latest);
    if (latest === undefined) return refuse('invalid_ts_latest');
    const start = typeof body.cursor === 'string' && body.cursor !== '' ? decodeCursor(body.cursor) : latest;
    if (start === undefined) return refuse('invalid_cursor');
    const limit = Math.min(Math.max(Number(body.limit ?? DEFAULT_HISTORY_LIMIT) || DEFAULT_HISTORY_LIMIT, 1), MAX_HISTORY_LIMIT);
    const inRange = messages
      .filter((m) => m.channel === body.channel)
      .filter((m) => (inclusive ? m.micros >= oldest : m.micros > oldest))
      .filter((m) => (inclusive ? m.micros <= latest : m.micros < latest))
      // A cursor's ts is the first message of its page.
      .filter((m) => m.micros <= start)
      .sort((a, b) => b.micros - a.micros);
    const page = inRange.slice(0, limit);
    const next = inRange[limit];
    const withMetadata = flag(body.include_all_metadata);
    return ok({
      messages: page.map((m) => ({
        type: 'message',
        user: 'U0STUBBOT',
        bot_id: 'B0STUBBOT',
        text: m.text,
        blocks: m.blocks,
        ts: formatTs(m.micros),
        ...(withMetadata && m.metadata !== undefined ? { metadata: m.metadata } : {}),
      })),
      has_more: next !== undefined,
      pin_count: 0,
      response_metadata: { next_cursor: next === undefined ? '' : encodeCursor(next.micros) },
    });
  }

  const methods: Record<string, (body: Record<string, unknown>) => Answer> = {
    'chat.postMessage': postMessage,
    'conversations.history': history,
  };

  function serve(req: IncomingMessage, method: string, body: Record<string, unknown>): Answer {
    const given = bearer(req, body);
    if (given === undefined) return refuse('not_authed');
    if (given !== token) return refuse('invalid_auth');
    const serveMethod = methods[method];
    if (!serveMethod) return refuse('unknown_method');
    const failure = scripted(method, body.channel);
    return failure ? scriptedAnswer(failure) : serveMethod(body);
  }

  function answer(res: ServerResponse, status: number, json: object, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(json));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    const body = await readBody(req);
    const call: StubCall = { method, at: Date.now(), body, outcome: 'ok' };
    calls.push(call);
    const served = serve(req, method, body);
    call.outcome = served.outcome;
    const send = () => answer(res, served.status, served.json, served.headers);
    if (held) held.push(send);
    else send();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => answer(res, 400, { ok: false, error: 'invalid_form_data', detail: String(error) }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/`,
    token,
    calls,
    posted: () => calls.filter((c) => c.method === 'chat.postMessage' && c.outcome === 'ok'),
    fail(failure, { times = 1, channel, method = 'chat.postMessage' } = {}) {
      rules.push({ failure, remaining: times, channel, method });
    },
    holdAnswers() {
      const queue: (() => void)[] = [];
      held = queue;
      return () => {
        if (held === queue) held = undefined;
        for (const send of queue.splice(0)) send();
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
