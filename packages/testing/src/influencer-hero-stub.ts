import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The Influencer Hero API routes herohooks calls, on 127.0.0.1 for tests (shared/influencer-hero.md §3, §5):
 * checks X-API-KEY, records every call with its time, books referrals once per (order_platform, order_id) and
 * ignores repeats like the platform, adds clicks to per-collaboration totals, keeps webhook subscriptions
 * (create: 409 when the type + URL exists; delete: 400 "Webhook URL not found"). A test scripts failures per path.
 */

export const CLICK_ROUTE = '/v1/crm/new_influencer_click';
export const REFERRAL_ROUTE = '/v1/crm/new_influencer_referral';
export const CREATE_WEBHOOK_ROUTE = '/v1/account/create_webhook';
export const DELETE_WEBHOOK_ROUTE = '/v1/account/delete_webhook';

export type StubFault =
  /** 429 with this Retry-After header value; nothing booked. */
  | { rateLimited: { retryAfter: string } }
  /** This status with {"error_message": …} (when given); nothing booked. */
  | { status: number; errorMessage?: string }
  /** The call is booked as usual, but the answer comes only after `delayMs` (beyond the client's timeout). */
  | { slowMs: number };

export interface StubCall {
  path: string;
  /** Milliseconds since the epoch when the request arrived. */
  at: number;
  /** Whether the X-API-KEY header was the stub's key (the value itself is not kept). */
  authorized: boolean;
  body: Record<string, unknown>;
  /** The status the stub answered (or will answer, for a slow call). */
  status: number;
}

export interface InfluencerHeroStub {
  /** Base URL for IH_API_URL, without a trailing slash. */
  url: string;
  apiKey: string;
  calls: StubCall[];
  callsTo(path: string): StubCall[];
  /** Booked referrals, one per (order_platform, order_id). */
  referrals(): Record<string, unknown>[];
  /** Clicks booked per lookup key, e.g. "deal_id=DEAL-1". */
  clickTotals: Map<string, number>;
  /** Registered webhooks as "type url". */
  webhooks: Set<string>;
  /** The next calls to `path` meet these faults, one each, in order. */
  fail(path: string, ...faults: StubFault[]): void;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

const lookupKeys = ['collab_id', 'deal_id', 'influencer_handle'] as const;

function lookupOf(body: Record<string, unknown>): string | undefined {
  const present = lookupKeys.filter((key) => typeof body[key] === 'string' && body[key] !== '');
  return present.length === 1 ? `${present[0]}=${String(body[present[0]!])}` : undefined;
}

const rejected = (status: number, message: string): Answer => ({ status, body: { error_message: message } });

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function startInfluencerHeroStub(apiKey = 'ih-test-key'): Promise<InfluencerHeroStub> {
  const calls: StubCall[] = [];
  const booked = new Map<string, Record<string, unknown>>();
  const clickTotals = new Map<string, number>();
  const webhooks = new Set<string>();
  const faults = new Map<string, StubFault[]>();
  const pending = new Set<NodeJS.Timeout>();

  const routes: Record<string, (body: Record<string, unknown>) => Answer> = {
    [CLICK_ROUTE]: (body) => {
      const lookup = lookupOf(body);
      const clicks = body.increase_clicks;
      if (!lookup) return rejected(400, 'Deal not found');
      if (typeof clicks !== 'number' || !Number.isInteger(clicks) || clicks < 1) {
        return rejected(400, 'increase_clicks must be a positive integer');
      }
      clickTotals.set(lookup, (clickTotals.get(lookup) ?? 0) + clicks);
      return { status: 200, body: { status: 'success' } };
    },
    [REFERRAL_ROUTE]: (body) => {
      if (!lookupOf(body)) return rejected(400, 'Deal not found');
      if (typeof body.order_id !== 'string' || typeof body.order_revenue !== 'number') {
        return rejected(400, 'order_id and order_revenue are required');
      }
      const key = `${String(body.order_platform)}\u0000${body.order_id}`;
      if (!booked.has(key)) booked.set(key, body);
      return { status: 200, body: { status: 'success' } };
    },
    [CREATE_WEBHOOK_ROUTE]: (body) => {
      const key = `${String(body.webhook_type)} ${String(body.webhook_url)}`;
      if (body.prevent_duplicate_webhook === true && webhooks.has(key)) return rejected(409, 'Webhook already exists');
      webhooks.add(key);
      return { status: 200, body: { status: 'success' } };
    },
    [DELETE_WEBHOOK_ROUTE]: (body) => {
      const key = `${String(body.webhook_type)} ${String(body.webhook_url)}`;
      if (!webhooks.delete(key)) return rejected(400, 'Webhook URL not found');
      return { status: 200, body: { status: 'success' } };
    },
  };

  function answer(res: ServerResponse, { status, body, headers }: Answer): void {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const body = (await readJson(req)) ?? {};
    const authorized = req.headers['x-api-key'] === apiKey;
    const route = req.method === 'POST' ? routes[path] : undefined;
    const fault = route && authorized ? faults.get(path)?.shift() : undefined;
    let result: Answer;
    if (!route) result = rejected(404, 'Not found');
    else if (!authorized) result = rejected(401, 'Invalid API key');
    else if (fault && 'rateLimited' in fault) {
      result = { ...rejected(429, 'Too many requests'), headers: { 'retry-after': fault.rateLimited.retryAfter } };
    } else if (fault && 'status' in fault) result = rejected(fault.status, fault.errorMessage ?? 'Internal error');
    else result = route(body);
    calls.push({ path, at: Date.now(), authorized, body, status: result.status });
    if (fault && 'slowMs' in fault) {
      const timer = setTimeout(() => {
        pending.delete(timer);
        answer(res, result);
      }, fault.slowMs);
      pending.add(timer);
      return;
    }
    answer(res, result);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => answer(res, rejected(500, 'Stub failure')));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    calls,
    callsTo: (path) => calls.filter((call) => call.path === path),
    referrals: () => [...booked.values()],
    clickTotals,
    webhooks,
    fail(path, ...more) {
      faults.set(path, [...(faults.get(path) ?? []), ...more]);
    },
    async close() {
      for (const timer of pending) clearTimeout(timer);
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
