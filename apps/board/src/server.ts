import type { FastifyInstance } from 'fastify';

/** Listens, and closes the app (and with it the queues) on SIGTERM/SIGINT. */
export async function startServer(app: FastifyInstance, port: number, host: string): Promise<void> {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  await app.listen({ port, host });
}
