import type { ReferralBody } from '@herohooks/contracts';
import type { JobContext } from '@herohooks/worker-kit';
import { failureOf } from './failures';
import { REFERRAL_PATH, type Sender } from './influencer-hero-api';

/** Empty strings are left out, as the platform's own n8n node does. */
function withoutEmptyStrings(body: ReferralBody): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== ''));
}

/**
 * The platform ignores a repeated (order_platform, order_id), so every failure that is not a refusal is retried,
 * including a timeout after the request went out.
 */
export async function sendReferral(body: ReferralBody, orderPlatform: string, sender: Sender, ctx: JobContext): Promise<void> {
  const outcome = await sender(REFERRAL_PATH, { ...withoutEmptyStrings(body), order_platform: orderPlatform }, ctx.log);
  if (outcome.kind !== 'accepted') throw failureOf(outcome);
}
