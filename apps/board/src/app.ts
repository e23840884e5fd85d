import type { ConnectionOptions } from 'bullmq';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { requireBasicAuth } from './auth';
import { mountBoard } from './board';
import type { Credentials } from './credentials';
import { closeQueues, openCatalogQueues } from './queues';

export interface BoardOptions {
  credentials: Credentials;
  connection: ConnectionOptions;
  prefix: string;
  logger?: FastifyBaseLogger;
}

/** The board app: /healthz open, everything else (UI, its API, static files) behind basic auth. */
export async function buildApp(options: BoardOptions): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: options.logger });
  const pairs = openCatalogQueues(options.connection, options.prefix);
  app.addHook('onClose', async () => closeQueues(pairs));
  // Probed every few seconds by Docker: not worth a log line each time.
  app.get('/healthz', { logLevel: 'silent' }, async () => ({ status: 'ok' }));
  await app.register(async (scope) => {
    await requireBasicAuth(scope, options.credentials);
    await mountBoard(scope, pairs, '/');
  });
  return app;
}
