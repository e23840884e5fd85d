import { sign } from '@herohooks/signing';
import type { WebhookType } from '@herohooks/contracts';

export interface Delivery {
  type: WebhookType;
  body: string;
}

export interface SendOutcome {
  type: WebhookType;
  status: number;
  id: string;
  duplicate: boolean;
  tries: number;
}

export interface SenderOptions {
  url: string;
  secret: string;
  ratePerSecond: number;
  /** Give up on one delivery after this long (a real sender would retry for hours). */
  maxRetryMs: number;
}

/**
 * Sends each delivery once at a steady rate, and — like a real webhook sender — retries connection errors and
 * 5xx answers with backoff until it gets a 2xx. Bounded: every delivery stops after maxRetryMs.
 */
export async function sendSteadily(deliveries: Delivery[], options: SenderOptions): Promise<SendOutcome[]> {
  const interval = 1_000 / options.ratePerSecond;
  const started = Date.now();
  const pending = deliveries.map(async (delivery, index) => {
    const wait = started + index * interval - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    return deliverWithRetries(delivery, options);
  });
  return Promise.all(pending);
}

async function deliverWithRetries(delivery: Delivery, options: SenderOptions): Promise<SendOutcome> {
  const deadline = Date.now() + options.maxRetryMs;
  let tries = 0;
  let lastStatus = 0;
  while (Date.now() < deadline) {
    tries += 1;
    try {
      const response = await fetch(`${options.url}/webhooks/influencer-hero/${delivery.type}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-influencerhero-signature': sign(delivery.body, options.secret),
          'x-influencerhero-timestamp': String(Math.floor(Date.now() / 1000)),
        },
        body: delivery.body,
        signal: AbortSignal.timeout(5_000),
      });
      lastStatus = response.status;
      if (response.status < 500) {
        const answer = (await response.json()) as { id?: string; duplicate?: boolean };
        return { type: delivery.type, status: response.status, id: answer.id ?? '', duplicate: Boolean(answer.duplicate), tries };
      }
      await response.arrayBuffer();
    } catch {
      lastStatus = 0;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** tries, 2_000)));
  }
  return { type: delivery.type, status: lastStatus, id: '', duplicate: false, tries };
}
