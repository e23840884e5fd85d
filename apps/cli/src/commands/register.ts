import { BlockList, isIP } from 'node:net';
import { webhookTypes, type WebhookType } from '@herohooks/contracts';
import { parseOptions } from '../args';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Command } from '../command';

const DEFAULT_API_URL = 'https://api.influencer-hero.com';
const TIMEOUT_MS = 10_000;
/** The exact error_message the platform answers a delete of an unknown webhook with (n8n treats it as done). */
const NOT_FOUND_MESSAGE = 'Webhook URL not found';

// Influencer Hero refuses such webhook URLs; refusing them here gives a clear message instead of a remote 4xx.
const privateRanges = new BlockList();
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) {
  privateRanges.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [['::', 127], ['fc00::', 7], ['fe80::', 10]] as const) {
  privateRanges.addSubnet(network, prefix, 'ipv6');
}

/** The public base URL, without a trailing slash; a UsageError says why one is refused. */
function publicBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--public-url "${raw}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError('--public-url must be http(s)');
  if (url.search || url.hash) throw new UsageError('--public-url must not have a query or fragment');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const family = isIP(host);
  const isPrivate =
    family === 0
      ? host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')
      : privateRanges.check(host, family === 4 ? 'ipv4' : 'ipv6');
  if (isPrivate) {
    throw new UsageError(
      `--public-url ${url.host} is a local or private address; Influencer Hero must reach it from the internet`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

function selectedTypes(values: string[] | undefined): readonly WebhookType[] {
  const names = (values ?? []).flatMap((value) => value.split(',')).map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) return webhookTypes;
  const unknown = names.filter((name) => !(webhookTypes as readonly string[]).includes(name));
  if (unknown.length) throw new UsageError(`unknown webhook type(s): ${unknown.join(', ')}`);
  return [...new Set(names)] as WebhookType[];
}

/** fetch rejects with TypeError("fetch failed"); the useful part is the cause's code, e.g. ECONNREFUSED. */
function networkCause(error: unknown): string {
  if (!(error instanceof Error)) return 'error';
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : error.name;
}

interface Answer {
  status: number;
  errorMessage: string | undefined;
}

async function post(apiUrl: string, apiKey: string, path: string, body: object): Promise<Answer> {
  const response = await fetch(`${apiUrl.replace(/\/+$/, '')}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const parsed: unknown = await response.json().catch(() => undefined);
  const fields = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  const message = fields.error_message ?? fields.message;
  return { status: response.status, errorMessage: typeof message === 'string' ? message : undefined };
}

/**
 * What an answer means, by status and the exact error_message value (shared/influencer-hero.md §3):
 * create 409 = already registered, delete 400 "Webhook URL not found" = already deleted; both count as success.
 */
function verdict(deleting: boolean, { status, errorMessage }: Answer): { ok: boolean; word: string } {
  if (status >= 200 && status < 300) return { ok: true, word: deleting ? 'deleted' : 'registered' };
  if (!deleting && status === 409) return { ok: true, word: 'already-registered' };
  if (deleting && status === 400 && errorMessage === NOT_FOUND_MESSAGE) return { ok: true, word: 'already-deleted' };
  return { ok: false, word: `failed ${status}${errorMessage ? `: ${errorMessage}` : ''}` };
}

export const register: Command = {
  name: 'register',
  summary: 'registers (or with --delete removes) the webhook URL of every type (or --types) with Influencer Hero',
  usage: 'herohooks register --public-url URL [--types t1,t2] [--delete]',
  async run(argv, io) {
    const { values } = parseOptions(argv, {
      'public-url': { type: 'string' },
      types: { type: 'string', multiple: true },
      delete: { type: 'boolean', default: false },
    });
    if (!values['public-url']) throw new UsageError('--public-url is required');
    const base = publicBaseUrl(values['public-url']);
    const types = selectedTypes(values.types);
    const apiKey = io.env.IH_API_KEY;
    if (!apiKey) throw new UsageError('IH_API_KEY must be set');
    const apiUrl = io.env.IH_API_URL || DEFAULT_API_URL;
    const deleting = values.delete;

    let failures = 0;
    // One type after another: eleven calls at most, and polite to the per-minute rate limit.
    for (const type of types) {
      const webhookUrl = `${base}/webhooks/influencer-hero/${type}`;
      const result = await (deleting
        ? post(apiUrl, apiKey, '/v1/account/delete_webhook', { webhook_type: type, webhook_url: webhookUrl })
        : post(apiUrl, apiKey, '/v1/account/create_webhook', {
            webhook_type: type,
            webhook_url: webhookUrl,
            prevent_duplicate_webhook: true,
          })
      ).then(
        (answer) => verdict(deleting, answer),
        (error: unknown) => ({ ok: false, word: `failed: ${networkCause(error)}` }),
      );
      if (!result.ok) failures += 1;
      io.stdout.write(`${type}\t${result.word}\t${webhookUrl}\n`);
    }
    return failures > 0 ? EXIT_FAILURE : EXIT_OK;
  },
};
