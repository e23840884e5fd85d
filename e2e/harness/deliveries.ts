import { webhookTypes, type ReferralBody, type WebhookType } from '@herohooks/contracts';
import { fixtureText } from '@herohooks/contracts/fixtures';
import type { Delivery } from './sender';

/**
 * `count` deliveries cycling through every webhook type, each the type's fixture plus a field that makes its
 * body unique (the ingress deduplicates equal bodies; the schemas are open to extra fields).
 */
export function uniqueDeliveries(count: number, run: string): Delivery[] {
  const samples = new Map(webhookTypes.map((type) => [type, JSON.parse(fixtureText(type)) as object]));
  return Array.from({ length: count }, (_, index) => {
    const type: WebhookType = webhookTypes[index % webhookTypes.length]!;
    return { type, body: JSON.stringify({ ...samples.get(type), e2e_delivery: `${run}-${index}` }) };
  });
}

/** `count` referrals with distinct order ids (the platform books one per order id). */
export function uniqueReferrals(count: number, run: string): ReferralBody[] {
  return Array.from({ length: count }, (_, index) => ({
    deal_id: `DEAL-${index % 7}`,
    order_id: `${run}-order-${index}`,
    order_revenue: 10 + index,
    currency: 'USD',
  }));
}
