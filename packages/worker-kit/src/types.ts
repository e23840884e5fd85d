import type { ConsumerName } from '@herohooks/contracts';
import type { Logger } from '@herohooks/runtime';
import type { Redis } from 'ioredis';

export interface JobContext {
  /** The delivery id (webhook) or tracking id; stable across retries and replays. */
  deliveryId: string;
  /** 1 for the first try. */
  attempt: number;
  /** Child logger that already carries consumer, deliveryId and attempt. */
  log: Logger;
  /** True when the worker runs in dry-run mode: render, log, do not send. */
  dryRun: boolean;
  /**
   * A Redis connection the handler may use (e.g. for its own rate-limit keys), with the queue prefix below. It
   * auto-pipelines (the commands of one tick go in one write), so no blocking commands (BLPOP and the like) on it.
   */
  redis: Redis;
  prefix: string;
}

/**
 * One consumer: what it does with one job. The kit supplies retries, dead letters, idempotency, shutdown,
 * health and metrics.
 */
export interface ConsumerHandler<Data = unknown> {
  /** Catalog entry this handler consumes. */
  consumer: ConsumerName;
  /**
   * 'done-mark' (side-effect consumers: Slack, email, tracking): the kit skips a job whose delivery was already
   * handled, and marks it done after the handler returns.
   * 'handler' (the ledger): the handler is idempotent by itself (unique keys), the kit adds nothing.
   */
  idempotency: 'done-mark' | 'handler';
  handle(data: Data, ctx: JobContext): Promise<void>;
  /**
   * For 'handler' idempotency (ignored for 'done-mark'): which of these delivery ids are handled already, by work
   * that is committed. A job that BullMQ fails for good outside the processor (it stalled too often) is
   * dead-lettered event by event; the events named here are left out instead of raising a false alarm. When it
   * rejects, every event is dead-lettered.
   */
  handledAmong?(deliveryIds: readonly string[]): Promise<ReadonlySet<string>>;
  /** Called once at shutdown after the worker stopped (close pools, transports). */
  close?(): Promise<void>;
}

export interface ConsumerOptions {
  redisUrl: string;
  prefix: string;
  concurrency: number;
  logger: Logger;
  dryRun?: boolean;
  /** Health and metrics listener; undefined = none. 0 = a free port (tests). */
  metricsPort?: number | undefined;
  /** How long a done mark is kept (DEFAULT_DONE_MARK_TTL_SECONDS, 1 h: see done-marks.ts for why). */
  doneMarkTtlSeconds?: number;
  /** How long in-flight jobs may take to finish at shutdown; past it close() rejects and the process should exit. */
  shutdownDeadlineMs?: number;
  /** BullMQ's stalled-job settings (defaults: 30 s lock, 30 s check, 5 stalls allowed); shorter in tests. */
  stalledJobs?: { lockDurationMs: number; checkIntervalMs: number; maxStalledCount: number };
}
