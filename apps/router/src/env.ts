import { loadEnv, orExit } from '@herohooks/runtime';
import { WorkerEnv } from '@herohooks/worker-kit';
import { Type } from '@sinclair/typebox';
import { routingTable } from './routing';

export const RouterEnv = Type.Object({ ...WorkerEnv });

/** The router's settings plus its routing table (ROUTE_<CONSUMER> variables). */
export function loadRouterConfig() {
  const env = loadEnv(RouterEnv);
  const table = orExit(() => routingTable(process.env));
  return { env, table };
}
