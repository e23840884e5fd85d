import type { WebhookType } from '@herohooks/contracts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from '@herohooks/signing';

export interface Delivery {
  type: WebhookType;
  body: string;
}

/** One request to the ingress, sent until it gets an answer below 500. */
export interface Outgoing {
  /** Path on the ingress, e.g. /webhooks/influencer-hero/new_max_bid. */
  path: string;
  body: string;
  /** Headers of one try: a webhook is signed with a fresh timestamp each time, as a real sender does. */
  headers(): Record<string, string>;
}

export interface SendOutcome {
  path: string;
  /** The last status; 0 when the last try got no answer at all. */
  status: number;
  id: string;
  duplicate: boolean;
  tries: number;
}

export interface SenderOptions {
  /** Ingress base URL. */
  url: string;
  ratePerSecond: number;
  /** Give up on one request after this long (a real sender would retry for hours). */
  maxRetryMs: number;
}

export function signedWebhook(delivery: Delivery, secret: string): Outgoing {
  return {
    path: `/webhooks/influencer-hero/${delivery.type}`,
    body: delivery.body,
    headers: () => ({
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: sign(delivery.body, secret),
      [TIMESTAMP_HEADER]: String(Math.floor(Date.now() / 1000)),
    }),
  };
}

export function trackingCall(route: 'clicks' | 'referrals', body: object, apiKey: string): Outgoing {
  return {
    path: `/track/${route}`,
    body: JSON.stringify(body),
    headers: () => ({ 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }),
  };
}

/**
 * Sends each request once at a steady rate, and — like a real webhook sender — retries connection errors and
 * 5xx answers with backoff until it gets an answer below 500. Bounded: every request stops after maxRetryMs.
 * Outcomes come back in the order of `requests`.
 */
export async function sendSteadily(requests: readonly Outgoing[], options: SenderOptions): Promise<SendOutcome[]> {
  const interval = 1_000 / options.ratePerSecond;
  const started = Date.now();
  const pending = requests.map(async (request, index) => {
    const wait = started + index * interval - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    return sendWithRetries(request, options);
  });
  return Promise.all(pending);
}

/** One try, no retry: the answer as it came, or a rejection when there was none (connection refused, reset). */
export function postOnce(baseUrl: string, request: Outgoing, timeoutMs = 5_000): Promise<Response> {
  return fetch(`${baseUrl}${request.path}`, {
    method: 'POST',
    headers: request.headers(),
    body: request.body,
    signal: AbortSignal.timeout(timeoutMs),
  });
}

async function sendWithRetries(request: Outgoing, options: SenderOptions): Promise<SendOutcome> {
  const deadline = Date.now() + options.maxRetryMs;
  let tries = 0;
  let lastStatus = 0;
  while (Date.now() < deadline) {
    tries += 1;
    try {
      const response = await postOnce(options.url, request);
      lastStatus = response.status;
      if (response.status < 500) {
        const answer = (await response.json()) as { id?: string; duplicate?: boolean };
        return { path: request.path, status: response.status, id: answer.id ?? '', duplicate: Boolean(answer.duplicate), tries };
      }
      await response.arrayBuffer();
    } catch {
      lastStatus = 0;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** tries, 2_000)));
  }
  return { path: request.path, status: lastStatus, id: '', duplicate: false, tries };
}
