import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WebhookPayload, WebhookType } from './webhooks/types';

const fixturesDir = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** The sample payload of one webhook type, as raw JSON text (what Influencer Hero would sign). */
export function fixtureText(type: WebhookType): string {
  return readFileSync(`${fixturesDir}${type}.json`, 'utf8');
}

export function fixture<T extends WebhookType>(type: T): WebhookPayload<T> {
  return JSON.parse(fixtureText(type)) as WebhookPayload<T>;
}
