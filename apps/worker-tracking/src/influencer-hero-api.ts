import type { Logger } from '@herohooks/runtime';
import { networkOutcome, platformMessage, type CallOutcome } from './call-outcome';
import { retryAfterMs } from './retry-after';

export const CLICK_PATH = '/v1/crm/new_influencer_click';
export const REFERRAL_PATH = '/v1/crm/new_influencer_referral';

export interface ApiSettings {
  baseUrl: string;
  /** Sent only as the X-API-KEY header; never logged, never stored in job data. */
  apiKey: string;
  timeoutMs: number;
}

/** Sends one JSON body to a platform path and says what came of it; never throws. */
export type Sender = (path: string, body: Record<string, unknown>, log: Logger) => Promise<CallOutcome>;

function urlOf(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

async function outcomeOf(response: Response): Promise<CallOutcome> {
  const status = response.status;
  // The answer's status is what counts; a body that cannot be read any more does not change it.
  const text = await response.text().catch(() => '');
  if (status >= 200 && status < 300) return { kind: 'accepted', status };
  if (status === 429) return { kind: 'rate_limited', status, delayMs: retryAfterMs(response.headers.get('retry-after')) };
  const message = platformMessage(text, status);
  return status >= 500 ? { kind: 'server_error', status, message } : { kind: 'rejected', status, message };
}

export function httpSender(api: ApiSettings): Sender {
  return async (path, body, log) => {
    const outcome = await fetch(urlOf(api.baseUrl, path), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': api.apiKey },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(api.timeoutMs),
    }).then(outcomeOf, networkOutcome);
    log.info({ path, outcome: outcome.kind, status: 'status' in outcome ? outcome.status : undefined }, 'influencer hero call');
    return outcome;
  };
}

/** Dry run: logs exactly the request that would be sent (without the key) and reports it accepted. */
export function dryRunSender(api: Pick<ApiSettings, 'baseUrl'>): Sender {
  return async (path, body, log) => {
    log.info({ wouldSend: { method: 'POST', url: urlOf(api.baseUrl, path), json: body } }, 'dry-run: request not sent');
    return { kind: 'accepted', status: 0 };
  };
}
