import { catalog, inboxDeliveryIds, jobOptions } from '@herohooks/contracts';
import { redisOptions } from '@herohooks/runtime';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { deadLetterJobOptions, deadLetterOf, openQueuePair, type DeadLetter } from './dead-letter';
import { DEFAULT_DONE_MARK_TTL_SECONDS, DoneMarks } from './done-marks';
import { asError, DeferError, PermanentError, RateLimitError } from './errors';
import { jobItems, type ItemOutcome, type JobItem } from './job-items';
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

/** The wait before the first retry under a BullMQ backoff option (exponential with jitter: its first step). */
function firstRetryDelay(backoff: Job['opts']['backoff']): number {
  if (typeof backoff === 'number') return backoff;
  const delay = backoff?.delay ?? 0;
  return Math.round(delay * (1 - (backoff?.jitter ?? 0) * Math.random()));
}

/** The bare job an event of a batch continues as, when it has to be retried, deferred or wait out a rate limit. */
const continuedJobId = (batchId: string, deliveryId: string) => `${batchId}-${deliveryId}`;

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
  // The per-delivery keys (done marks, the handler's own) on a connection of their own that sends the commands
  // of one tick in one write: a batch's events issue theirs side by side. BullMQ's connection stays as it is.
  const keys = new Redis(options.redisUrl, { ...redisOptions('worker'), enableAutoPipelining: true });
  keys.on('error', (err) => log.warn({ err }, 'redis connection error (per-delivery keys)'));
  const queues = openQueuePair(handler.consumer, redis, prefix);
  const alerts = new Queue(catalog.alerts.queue, { connection: redis, prefix });
  const doneMarks = new DoneMarks(keys, prefix, handler.consumer, options.doneMarkTtlSeconds ?? DEFAULT_DONE_MARK_TTL_SECONDS);
  const metrics = createConsumerMetrics(handler.consumer, queues);
  const validate = TypeCompiler.Compile(definition.schema);

  async function deadLetter(item: JobItem, error: Error, attemptsMade: number): Promise<void> {
    const letter: DeadLetter = deadLetterOf(handler.consumer, item, error, attemptsMade);
    // Same id as the item (the delivery id): dead-lettering twice (processor, then the failed event) stays one letter.
    await queues.deadLetters.add(item.name, letter, { ...deadLetterJobOptions, jobId: item.id });
    if (handler.consumer !== 'alerts') {
      const alert = {
        consumer: handler.consumer,
        deadLetterQueue: definition.deadLetterQueue,
        deliveryId: item.id,
        type: item.name,
        reason: letter.reason,
        failedAt: letter.failedAt,
        ...(definition === catalog.inbox && { deliveryIds: inboxDeliveryIds(item.data) }),
      };
      // One alert per failure of a job: a replayed delivery that fails again is a new job (new timestamp).
      const alertId = `${handler.consumer}-${item.id}-${item.timestamp}`;
      await alerts.add('dead_letter', alert, jobOptions(catalog.alerts, alertId));
    }
    metrics.jobs.inc({ consumer: handler.consumer, type: item.name, outcome: 'dead_lettered' });
    log.error({ deliveryId: item.id, type: item.name, reason: letter.reason, err: error }, 'job dead-lettered');
  }

  /**
   * Runs one item through validation and the handler and returns how it ended; a done mark is written as soon as it
   * succeeded (a crash later in a batch must not undo it). Throws only when a dead letter or mark cannot be written.
   */
  async function runItem(job: Job, item: JobItem, batch: boolean): Promise<ItemOutcome> {
    const attempt = job.attemptsMade + 1;
    const itemLog = log.child({ deliveryId: item.id, type: item.name, attempt, ...(batch && { batchId: job.id }) });
    const labels = { consumer: handler.consumer, type: item.name };
    const stopTimer = metrics.duration.startTimer(labels);
    try {
      if (!validate.Check(item.data)) {
        const first = validate.Errors(item.data).First();
        throw new PermanentError(`job data does not match the ${handler.consumer} schema at ${first?.path ?? '/'}`, {
          reason: 'invalid_job',
        });
      }
      const dryRun = options.dryRun ?? false;
      const ctx: JobContext = { deliveryId: item.id, attempt, log: itemLog, dryRun, redis: keys, prefix };
      await handler.handle(item.data as Data, ctx);
    } catch (caught) {
      const error = asError(caught);
      if (error instanceof RateLimitError) {
        metrics.jobs.inc({ ...labels, outcome: 'rate_limited' });
        itemLog.warn({ delayMs: error.delayMs }, 'rate limited; queue paused');
        return { kind: 'rate_limited', delayMs: error.delayMs };
      }
      if (error instanceof DeferError) {
        metrics.jobs.inc({ ...labels, outcome: 'deferred' });
        return { kind: 'deferred', delayMs: error.delayMs };
      }
      if (error instanceof PermanentError || attempt >= (job.opts.attempts ?? 1)) {
        await deadLetter(item, error, attempt);
        return { kind: 'dead_lettered', error };
      }
      metrics.jobs.inc({ ...labels, outcome: 'retried' });
      itemLog.warn({ err: error }, 'attempt failed; will retry');
      return { kind: 'retry', error };
    } finally {
      stopTimer();
    }
    if (handler.idempotency === 'done-mark') await doneMarks.markDone(item.id);
    metrics.jobs.inc({ ...labels, outcome: 'completed' });
    return { kind: 'done' };
  }

  /**
   * Which of these delivery ids were handled, for a job BullMQ failed outside the processor: done marks, or the
   * handler's own answer. When the handler cannot tell (its store is down), none: a false alarm, never a loss.
   */
  async function handledAmong(ids: string[]): Promise<ReadonlySet<string>> {
    if (handler.idempotency === 'done-mark') return doneMarks.doneAmong(ids);
    try {
      return (await handler.handledAmong?.(ids)) ?? new Set();
    } catch (err) {
      log.warn({ err, deliveryIds: ids }, 'could not tell which events were handled; dead-lettering them all');
      return new Set();
    }
  }

  /** Items not handled yet: for done-mark consumers, those without a done mark (one round trip for a batch). */
  async function notDone(items: JobItem[]): Promise<JobItem[]> {
    if (handler.idempotency !== 'done-mark') return items;
    const done = await doneMarks.doneAmong(items.map((item) => item.id));
    for (const item of items.filter((i) => done.has(i.id))) {
      metrics.jobs.inc({ consumer: handler.consumer, type: item.name, outcome: 'duplicate_skipped' });
      log.info({ deliveryId: item.id, type: item.name }, 'already handled; skipped');
    }
    return items.filter((item) => !done.has(item.id));
  }

  /**
   * A batch job completes after one run: each event that still has to be retried, deferred or waits out a rate
   * limit continues as a bare job of its own (id `<batch id>-<delivery id>`, the batch's full retry policy), so
   * one slow or failing event neither holds up nor re-runs the others. The bare jobs are added before the batch
   * completes; a crash in between re-runs the batch, whose done events are skipped and whose bare jobs exist already.
   */
  async function continueAlone(job: Job, items: JobItem[], outcomes: ItemOutcome[]): Promise<void> {
    const alone = items.flatMap((item, index) => {
      const outcome = outcomes[index]!;
      if (outcome.kind === 'retry') return [{ item, delay: firstRetryDelay(job.opts.backoff) }];
      if (outcome.kind === 'deferred') return [{ item, delay: outcome.delayMs }];
      return outcome.kind === 'rate_limited' ? [{ item, delay: 0 }] : [];
    });
    const rateLimits = outcomes.flatMap((o) => (o.kind === 'rate_limited' ? [o.delayMs] : []));
    if (rateLimits.length > 0) await worker.rateLimit(Math.max(...rateLimits));
    if (alone.length === 0) return;
    await queues.source.addBulk(
      alone.map(({ item, delay }) => {
        // The batch's own retry policy (the catalog's, as the router wrote it).
        const { attempts, backoff } = job.opts;
        const opts = { ...jobOptions(definition, continuedJobId(job.id!, item.id)), attempts, backoff, delay };
        return { name: item.name, data: item.data, opts };
      }),
    );
  }

  /** Settles a bare job from its one item, as BullMQ expects: retry, delay, rate limit, or fail once dead-lettered. */
  async function settleBare(job: Job, outcome: ItemOutcome | undefined, token?: string): Promise<void> {
    switch (outcome?.kind) {
      case 'rate_limited':
        await worker.rateLimit(outcome.delayMs);
        throw Worker.RateLimitError();
      case 'deferred':
        await job.moveToDelayed(Date.now() + outcome.delayMs, token);
        throw new DelayedError();
      case 'retry':
        throw outcome.error;
      case 'dead_lettered':
        throw outcome.error instanceof PermanentError ? new UnrecoverableError(outcome.error.message) : outcome.error;
      default:
    }
  }

  /** Runs a job's items (one, or the events of a batch, side by side), then settles the job. */
  async function process(job: Job, token?: string): Promise<void> {
    const { items, batch } = jobItems(job, definition.batched);
    const todo = await notDone(items);
    const settled = await Promise.allSettled(todo.map((item) => runItem(job, item, batch)));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const outcomes = settled.map((s) => (s as PromiseFulfilledResult<ItemOutcome>).value);
    if (batch) await continueAlone(job, todo, outcomes);
    else await settleBare(job, outcomes[0], token);
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
  // A batch job is dead-lettered event by event, each under its delivery id, except the events already handled
  // (handledAmong) and those that continue as bare jobs of their own (an earlier run of the batch handed them on
  // before it stalled).
  worker.on('failed', (job, err) => {
    if (!job || job.finishedOn === undefined) return;
    const { items, batch } = jobItems(job, definition.batched);
    const continues = async (item: JobItem) =>
      batch && (await queues.source.getJob(continuedJobId(job.id!, item.id))) !== undefined;
    const ids = items.map((item) => item.id);
    void handledAmong(ids)
      .then((handled) =>
        Promise.all(
          items.map(async (item) => {
            if (handled.has(item.id) || (await queues.deadLetters.getJob(item.id)) || (await continues(item))) return;
            await deadLetter(item, err, job.attemptsMade);
          }),
        ),
      )
      .catch((e: unknown) =>
        log.error({ err: e, jobId: job.id, deliveryIds: ids }, 'could not dead-letter a failed job'),
      );
  });
  void worker.run();
  await worker.waitUntilReady();

  const probe =
    options.metricsPort === undefined
      ? undefined
      : await startProbeServer({
          port: options.metricsPort,
          registry: metrics.registry,
          ready: async () => worker.isRunning() && keys.status === 'ready' && (await redis.ping()) === 'PONG',
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
      keys.disconnect();
      log.info('consumer stopped');
    },
  };
}
