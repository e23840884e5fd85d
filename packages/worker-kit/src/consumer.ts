import { catalog, inboxDeliveryIds, jobOptions } from '@herohooks/contracts';
import { redisOptions } from '@herohooks/runtime';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { deadLetterJobOptions, deadLetterOf, openQueuePair, type DeadLetter } from './dead-letter';
import { DEFAULT_DONE_MARK_TTL_SECONDS, DoneMarks } from './done-marks';
import { DeferError, PermanentError, RateLimitError } from './errors';
import { createConsumerMetrics, type ConsumerMetrics } from './metrics';
import { startProbeServer } from './probe-server';
import type { ConsumerHandler, ConsumerOptions, JobContext } from './types';

export interface RunningConsumer {
  worker: Worker;
  metrics: ConsumerMetrics;
  /** Port of the health/metrics listener, when one was asked for. */
  metricsPort: number | undefined;
  /** Stops taking jobs, lets in-flight ones finish within the deadline, then closes everything. */
  close(): Promise<void>;
}

export class ShutdownDeadlineError extends Error {
  override readonly name = 'ShutdownDeadlineError';

  constructor(readonly deadlineMs: number) {
    super(`in-flight jobs did not finish within the ${deadlineMs} ms shutdown deadline`);
  }
}

export async function startConsumer<Data>(
  handler: ConsumerHandler<Data>,
  options: ConsumerOptions,
): Promise<RunningConsumer> {
  const definition = catalog[handler.consumer];
  const { prefix, logger } = options;
  const log = logger.child({ consumer: handler.consumer });
  const redis = new Redis(options.redisUrl, redisOptions('worker'));
  const queues = openQueuePair(handler.consumer, redis, prefix);
  const alerts = new Queue(catalog.alerts.queue, { connection: redis, prefix });
  const doneMarks = new DoneMarks(redis, prefix, handler.consumer, options.doneMarkTtlSeconds ?? DEFAULT_DONE_MARK_TTL_SECONDS);
  const metrics = createConsumerMetrics(handler.consumer, queues);
  const validate = TypeCompiler.Compile(definition.schema);

  async function deadLetter(job: Job, error: Error, attemptsMade: number): Promise<void> {
    const letter: DeadLetter = deadLetterOf(handler.consumer, job, error, attemptsMade);
    // Same job id as the original: dead-lettering twice (processor, then the failed event) stays one letter.
    await queues.deadLetters.add(job.name, letter, { ...deadLetterJobOptions, jobId: job.id! });
    if (handler.consumer !== 'alerts') {
      const alert = {
        consumer: handler.consumer,
        deadLetterQueue: definition.deadLetterQueue,
        deliveryId: job.id!,
        type: job.name,
        reason: letter.reason,
        failedAt: letter.failedAt,
        ...(definition === catalog.inbox && { deliveryIds: inboxDeliveryIds(job.data) }),
      };
      // One alert per failure of a job: a replayed delivery that fails again is a new job (new timestamp).
      await alerts.add('dead_letter', alert, jobOptions(catalog.alerts, `${handler.consumer}-${job.id}-${job.timestamp}`));
    }
    metrics.jobs.inc({ consumer: handler.consumer, type: job.name, outcome: 'dead_lettered' });
    log.error({ deliveryId: job.id, type: job.name, reason: letter.reason, err: error }, 'job dead-lettered');
  }

  async function process(job: Job, token?: string): Promise<void> {
    const deliveryId = job.id!;
    const attempt = job.attemptsMade + 1;
    const jobLog = log.child({ deliveryId, type: job.name, attempt });
    const labels = { consumer: handler.consumer, type: job.name };
    if (handler.idempotency === 'done-mark' && (await doneMarks.isDone(deliveryId))) {
      metrics.jobs.inc({ ...labels, outcome: 'duplicate_skipped' });
      jobLog.info('already handled; skipped');
      return;
    }
    const stopTimer = metrics.duration.startTimer(labels);
    try {
      if (!validate.Check(job.data)) {
        const first = validate.Errors(job.data).First();
        throw new PermanentError(`job data does not match the ${handler.consumer} schema at ${first?.path ?? '/'}`, {
          reason: 'invalid_job',
        });
      }
      const ctx: JobContext = { deliveryId, attempt, log: jobLog, dryRun: options.dryRun ?? false, redis, prefix };
      await handler.handle(job.data as Data, ctx);
      if (handler.idempotency === 'done-mark') await doneMarks.markDone(deliveryId);
      metrics.jobs.inc({ ...labels, outcome: 'completed' });
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      if (error instanceof RateLimitError) {
        metrics.jobs.inc({ ...labels, outcome: 'rate_limited' });
        jobLog.warn({ delayMs: error.delayMs }, 'rate limited; queue paused');
        await worker.rateLimit(error.delayMs);
        throw Worker.RateLimitError();
      }
      if (error instanceof DeferError) {
        metrics.jobs.inc({ ...labels, outcome: 'deferred' });
        await job.moveToDelayed(Date.now() + error.delayMs, token);
        throw new DelayedError();
      }
      const lastAttempt = attempt >= (job.opts.attempts ?? 1);
      if (error instanceof PermanentError || lastAttempt) {
        await deadLetter(job, error, attempt);
        throw error instanceof PermanentError ? new UnrecoverableError(error.message) : error;
      }
      metrics.jobs.inc({ ...labels, outcome: 'retried' });
      jobLog.warn({ err: error }, 'attempt failed; will retry');
      throw error;
    } finally {
      stopTimer();
    }
  }

  const worker = new Worker(definition.queue, process, {
    connection: redis,
    prefix,
    concurrency: options.concurrency,
    // A worker killed mid-job leaves it "stalled"; allow a few such losses before the job fails for good.
    maxStalledCount: options.stalledJobs?.maxStalledCount ?? 5,
    ...(options.stalledJobs && {
      lockDuration: options.stalledJobs.lockDurationMs,
      stalledInterval: options.stalledJobs.checkIntervalMs,
    }),
    // BullMQ honours worker.rateLimit() only when a limiter is configured; this one never limits by itself.
    limiter: { max: 1_000_000_000, duration: 1_000 },
    autorun: false,
  });
  worker.on('error', (err) => log.error({ err }, 'worker error'));
  // A job that failed for good outside the processor (BullMQ fails one that stalled too often) is dead-lettered
  // here; one the processor already dead-lettered has its letter, which is left as it is.
  worker.on('failed', (job, err) => {
    if (!job || job.finishedOn === undefined) return;
    void queues.deadLetters
      .getJob(job.id!)
      .then(async (existing) => {
        if (!existing) await deadLetter(job, err, job.attemptsMade);
      })
      .catch((e: unknown) => log.error({ err: e, deliveryId: job.id }, 'could not dead-letter a failed job'));
  });
  void worker.run();
  await worker.waitUntilReady();

  const probe =
    options.metricsPort === undefined
      ? undefined
      : await startProbeServer({
          port: options.metricsPort,
          registry: metrics.registry,
          ready: async () => worker.isRunning() && (await redis.ping()) === 'PONG',
        });
  const address = probe?.server.address();
  log.info({ queue: definition.queue, concurrency: options.concurrency, dryRun: options.dryRun ?? false }, 'consumer started');

  return {
    worker,
    metrics,
    metricsPort: address && typeof address === 'object' ? address.port : undefined,
    async close() {
      const deadline = options.shutdownDeadlineMs ?? 10_000;
      const closed = await Promise.race([
        worker.close().then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), deadline).unref()),
      ]);
      // Jobs still running keep their handler's resources (pools, producers): leave them to the process exit,
      // and BullMQ's stalled-job check hands the jobs to another worker.
      if (!closed) throw new ShutdownDeadlineError(deadline);
      await handler.close?.();
      await probe?.close();
      await Promise.all([queues.close(), alerts.close()]);
      redis.disconnect();
      log.info('consumer stopped');
    },
  };
}
