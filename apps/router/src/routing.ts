import { catalog, isWebhookType, webhookConsumers, webhookTypes, type ConsumerName, type WebhookType } from '@herohooks/contracts';
import { EnvError, csv } from '@herohooks/runtime';

export type RoutingTable = ReadonlyMap<ConsumerName, ReadonlySet<WebhookType>>;

/** The env variable that overrides a consumer's routed types, e.g. ROUTE_EMAIL; dashes become underscores. */
export const routeVariable = (consumer: ConsumerName) => `ROUTE_${consumer.toUpperCase().replaceAll('-', '_')}`;

/**
 * Which webhook types go to which consumer: the catalog's defaults, overridden per consumer by
 * ROUTE_<CONSUMER> = comma-separated types, `*` for every type, or `none`.
 */
export function routingTable(env: NodeJS.ProcessEnv): RoutingTable {
  const table = new Map<ConsumerName, ReadonlySet<WebhookType>>();
  for (const consumer of webhookConsumers) {
    const raw = env[routeVariable(consumer)]?.trim();
    table.set(consumer, new Set(raw === undefined || raw === '' ? catalog[consumer].defaultTypes! : parseTypes(consumer, raw)));
  }
  return table;
}

function parseTypes(consumer: ConsumerName, raw: string): WebhookType[] {
  if (raw === '*') return webhookTypes;
  if (raw === 'none') return [];
  const items = csv(raw);
  const unknown = items.filter((item) => !isWebhookType(item));
  if (unknown.length) {
    throw new EnvError(`invalid environment: ${routeVariable(consumer)} names unknown webhook types: ${unknown.join(', ')}`);
  }
  return items as WebhookType[];
}

export function consumersFor(table: RoutingTable, type: WebhookType): ConsumerName[] {
  return [...table].filter(([, types]) => types.has(type)).map(([consumer]) => consumer);
}
