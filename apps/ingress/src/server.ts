import type { FastifyInstance } from 'fastify';

export async function listen(app: FastifyInstance, port: number, host: string): Promise<string> {
  return app.listen({ port, host });
}

/**
 * On SIGTERM/SIGINT: stop accepting and finish the requests in flight (their batches are written), then run the
 * given closers in order (producer, Redis). A second signal exits at once.
 */
export function closeOnSignals(app: FastifyInstance, closers: (() => Promise<unknown>)[]): void {
  let closing = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    app.log.info({ signal }, 'shutting down');
    try {
      await app.close();
      for (const close of closers) await close();
      app.log.info('stopped');
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exitCode = 1;
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, (s) => void shutdown(s));
}
