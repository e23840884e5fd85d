import { CommonEnv, Port, createLogger } from '@herohooks/runtime';
import { Type } from '@sinclair/typebox';
import { startConsumer, type RunningConsumer } from './consumer';
import type { ConsumerHandler } from './types';

/** Environment every worker app reads; an app's env.ts spreads this and adds its own variables. */
export const WorkerEnv = {
  ...CommonEnv,
  METRICS_PORT: Port(),
  WORKER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 1_000, default: 10 }),
  SHUTDOWN_DEADLINE_MS: Type.Integer({ minimum: 0, default: 10_000 }),
};

export interface WorkerEnvValues {
  REDIS_URL: string;
  QUEUE_PREFIX: string;
  LOG_LEVEL: string;
  METRICS_PORT?: number | undefined;
  WORKER_CONCURRENCY: number;
  SHUTDOWN_DEADLINE_MS: number;
}

/** For a worker's main.ts: start the consumer and stop it cleanly on SIGTERM/SIGINT. */
export async function runConsumerApp<Data>(
  handler: ConsumerHandler<Data>,
  env: WorkerEnvValues,
  extra: { dryRun?: boolean; concurrency?: number } = {},
): Promise<RunningConsumer> {
  const logger = createLogger(`worker-${handler.consumer}`, env.LOG_LEVEL);
  if (extra.dryRun) logger.warn('dry-run: messages are rendered and logged, not sent');
  const running = await startConsumer(handler, {
    redisUrl: env.REDIS_URL,
    prefix: env.QUEUE_PREFIX,
    concurrency: extra.concurrency ?? env.WORKER_CONCURRENCY,
    logger,
    dryRun: extra.dryRun ?? false,
    metricsPort: env.METRICS_PORT,
    shutdownDeadlineMs: env.SHUTDOWN_DEADLINE_MS,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    running.close().then(
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
