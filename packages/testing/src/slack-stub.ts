import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Slack Web API on 127.0.0.1 for tests. It reads chat.postMessage the way @slack/web-api sends it
 * (application/x-www-form-urlencoded, objects such as `blocks` and `metadata` as JSON strings; JSON bodies
 * too), checks the bearer token, records every call with its time, and answers as Slack does: HTTP 200 with
 * `{ok:true|false}`, or HTTP 429 with Retry-After, or whatever failure a test scripts.
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
  /** The next `times` postMessage calls (to `channel`, if given) get this failure instead of ok. */
  fail(failure: StubFailure, options?: { times?: number; channel?: string }): void;
  close(): Promise<void>;
}

// Fields @slack/web-api serialises with JSON.stringify in a form body.
const jsonFields = new Set(['blocks', 'attachments', 'metadata']);

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

interface Rule {
  failure: StubFailure;
  remaining: number;
  channel: string | undefined;
}

export async function startSlackStub(token = 'xoxb-test-token'): Promise<SlackStub> {
  const calls: StubCall[] = [];
  const rules: Rule[] = [];

  function scripted(channel: unknown): StubFailure | undefined {
    const rule = rules.find((r) => r.remaining > 0 && (r.channel === undefined || r.channel === channel));
    if (!rule) return undefined;
    rule.remaining -= 1;
    return rule.failure;
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
    const fail = (outcome: string, status: number, json: object, headers?: Record<string, string>) => {
      call.outcome = outcome;
      answer(res, status, json, headers);
    };
    const given = bearer(req, body);
    if (given === undefined) return fail('not_authed', 200, { ok: false, error: 'not_authed' });
    if (given !== token) return fail('invalid_auth', 200, { ok: false, error: 'invalid_auth' });
    if (method !== 'chat.postMessage') return fail('unknown_method', 200, { ok: false, error: 'unknown_method' });
    const failure = scripted(body.channel);
    if (failure && 'rateLimited' in failure) {
      const retryAfter = String(failure.rateLimited.retryAfterSeconds);
      return fail('rate_limited', 429, { ok: false, error: 'ratelimited' }, { 'retry-after': retryAfter });
    }
    if (failure && 'httpStatus' in failure) return fail(`http_${failure.httpStatus}`, failure.httpStatus, {});
    if (failure) return fail(failure.error, 200, { ok: false, error: failure.error });
    if (typeof body.channel !== 'string' || body.channel === '') {
      return fail('channel_not_found', 200, { ok: false, error: 'channel_not_found' });
    }
    if (body.text === undefined && body.blocks === undefined) return fail('no_text', 200, { ok: false, error: 'no_text' });
    if (typeof body.text === 'string' && body.text.length > 40_000) {
      return fail('msg_too_long', 200, { ok: false, error: 'msg_too_long' });
    }
    if (!blocksAreValid(body.blocks)) return fail('invalid_blocks', 200, { ok: false, error: 'invalid_blocks' });
    const ts = (call.at / 1_000).toFixed(6);
    answer(res, 200, { ok: true, channel: body.channel, ts, message: { text: body.text, blocks: body.blocks, ts } });
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
    fail(failure, { times = 1, channel } = {}) {
      rules.push({ failure, remaining: times, channel });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
