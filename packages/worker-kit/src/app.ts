import { CommonEnv, Port, createLogger, type LogFormat } from '@herohooks/runtime';
import { Type } from '@sinclair/typebox';
import { startConsumer, type RunningConsumer } from './consumer';
import type { ConsumerHandler } from './types';

/** Environment every worker app reads; an app's env.ts spreads this and adds its own variables. */
export const WorkerEnv = {
  ...CommonEnv,
  METRICS_PORT: Port(),
  // Workers mostly wait on the network or Redis, so many jobs in flight per process pay off.
  WORKER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 1_000, default: 32 }),
  SHUTDOWN_DEADLINE_MS: Type.Integer({ minimum: 0, default: 10_000 }),
};

export interface WorkerEnvValues {
  REDIS_URL: string;
  QUEUE_PREFIX: string;
  LOG_LEVEL: string;
  LOG_FORMAT: LogFormat;
  METRICS_PORT?: number | undefined;
  WORKER_CONCURRENCY: number;
  SHUTDOWN_DEADLINE_MS: number;
}

/** For a worker's main.ts: start the consumer and stop it cleanly on SIGTERM/SIGINT. */
export async function runConsumerApp<Data>(
  handler: ConsumerHandler<Data>,
  env: WorkerEnvValues,
  extra: {
    dryRun?: boolean;
    concurrency?: number;
    /** Further consumers run by the same process (worker-slack's alerts): no listener of their own, stopped together. */
    alongside?: readonly ConsumerHandler<unknown>[];
  } = {},
): Promise<RunningConsumer> {
  const logger = createLogger(`worker-${handler.consumer}`, env.LOG_LEVEL, env.LOG_FORMAT);
  if (extra.dryRun) logger.warn('dry-run: messages are rendered and logged, not sent');
  const options = {
    redisUrl: env.REDIS_URL,
    prefix: env.QUEUE_PREFIX,
    concurrency: extra.concurrency ?? env.WORKER_CONCURRENCY,
    logger,
    dryRun: extra.dryRun ?? false,
    shutdownDeadlineMs: env.SHUTDOWN_DEADLINE_MS,
  };
  const running = await startConsumer(handler, { ...options, metricsPort: env.METRICS_PORT });
  const companions = await Promise.all((extra.alongside ?? []).map((other) => startConsumer(other, options)));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    Promise.all([running, ...companions].map((consumer) => consumer.close())).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return running;
}
