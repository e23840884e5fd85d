import { catalog, inboxDeliveryIds, type ConsumerName } from '@herohooks/contracts';
import {
  listDeadLetters,
  purgeDeadLetters,
  replayDeadLetter,
  type QueuePair,
} from '@herohooks/worker-kit';
import { parseOptions } from '../args';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Command, type CommandIo } from '../command';
import { selectConsumers, withQueuePairs } from '../queue-pairs';
import { renderTable } from '../table';

const usage = [
  'herohooks dlq list [--queue Q] [--json]',
  'herohooks dlq replay [--queue Q] (--id ID | --all)',
  'herohooks dlq purge [--queue Q] (--id ID | --all)',
].join('\n       ');

const options = {
  queue: { type: 'string' },
  id: { type: 'string' },
  all: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

interface Selection {
  consumers: ConsumerName[];
  id: string | undefined;
}

export interface DeadLetterRow {
  id: string;
  queue: string;
  deadLetterQueue: string;
  type: string;
  reason: string;
  attempts: number;
  failedAt: string;
  error: string;
  /** For an inbox dead letter (a batch): the deliveries it holds, which a replay fans out again. */
  deliveryIds?: string[];
}

/** Dead letters read at once: an inbox one is a batch of up to 256 events, so 1,000 of them could be hundreds of MB. */
const pageSize = (pair: QueuePair) => (pair.definition === catalog.inbox ? 100 : 1_000);

/** The most dead letters `dlq list` shows per queue. */
const LISTED = 1_000;

/** The first LISTED dead letters of a queue (oldest first), and how many it holds in all. */
async function rowsOf(pair: QueuePair): Promise<{ queue: string; rows: DeadLetterRow[]; total: number }> {
  const rows: DeadLetterRow[] = [];
  for (let start = 0; start < LISTED; start += pageSize(pair)) {
    const page = await listDeadLetters(pair, Math.min(pageSize(pair), LISTED - start), start);
    if (page.length === 0) break;
    rows.push(...page.map((job) => rowOf(pair, job)));
  }
  const total = await pair.deadLetters.getJobCountByTypes('waiting', 'paused', 'prioritized');
  return { queue: pair.definition.deadLetterQueue, rows, total: Math.max(total, rows.length) };
}

type DeadLetterJob = Awaited<ReturnType<typeof listDeadLetters>>[number];

function rowOf(pair: QueuePair, job: DeadLetterJob): DeadLetterRow {
  const deliveryIds = pair.definition === catalog.inbox ? inboxDeliveryIds(job.data.data) : undefined;
  return {
    id: job.id!,
    queue: job.data.queue,
    deadLetterQueue: pair.definition.deadLetterQueue,
    type: deliveryIds ? `${job.data.name}×${deliveryIds.length}` : job.data.name,
    reason: job.data.reason,
    attempts: job.data.attemptsMade,
    failedAt: job.data.failedAt,
    error: job.data.error.message,
    ...(deliveryIds && { deliveryIds }),
  };
}

async function list(io: CommandIo, consumers: ConsumerName[], json: boolean): Promise<number> {
  const queues = await withQueuePairs(io.env, consumers, (pairs) => Promise.all(pairs.map(rowsOf)));
  const rows = queues.flatMap((queue) => queue.rows);
  const cut = queues.filter((queue) => queue.total > queue.rows.length);
  if (json) {
    const totals = Object.fromEntries(queues.map((queue) => [queue.queue, queue.total]));
    io.stdout.write(`${JSON.stringify({ deadLetters: rows, totals }, null, 2)}\n`);
  } else if (rows.length === 0) {
    io.stdout.write('no dead letters\n');
  } else {
    const headers = ['id', 'queue', 'type', 'reason', 'attempts', 'failedAt'];
    io.stdout.write(renderTable(headers, rows.map((r) => [r.id, r.queue, r.type, r.reason, r.attempts, r.failedAt])));
    for (const queue of cut) {
      io.stdout.write(
        `${queue.queue}: the first ${queue.rows.length.toLocaleString('en')} of ${queue.total.toLocaleString('en')} ` +
          'dead letters are shown (oldest first); replay and purge with --all handle every one\n',
      );
    }
  }
  return EXIT_OK;
}

/** A dead letter that --id names; `deliveryIds` when it is an inbox batch found by the id of a delivery it holds. */
interface Target {
  jobId: string;
  /** Every delivery of that batch, the named one included. */
  deliveryIds?: string[];
}

/**
 * The dead letters `id` names in one queue: the one whose job id it is (a delivery id in a consumer queue) or, in
 * the inbox, whose id is a batch id, failing that the inbox batches that hold a delivery with that id.
 */
async function targetsOf(pair: QueuePair, id: string): Promise<Target[]> {
  if (await pair.deadLetters.getJob(id)) return [{ jobId: id }];
  if (pair.definition !== catalog.inbox) return [];
  const targets: Target[] = [];
  for (let start = 0; ; start += pageSize(pair)) {
    const page = await listDeadLetters(pair, pageSize(pair), start);
    if (page.length === 0) return targets;
    for (const job of page) {
      const deliveryIds = inboxDeliveryIds(job.data.data);
      if (deliveryIds.includes(id)) targets.push({ jobId: job.id!, deliveryIds });
    }
  }
}

/** Acts on each target in turn; returns those handled (not those removed meanwhile). */
async function actOnEach(targets: readonly Target[], act: (jobId: string) => Promise<boolean>) {
  const handled: Target[] = [];
  for (const target of targets) if (await act(target.jobId)) handled.push(target);
  return handled;
}

/** Every dead letter of the queue, a page at a time until it is empty; returns how many were handled. */
async function eachDeadLetter(pair: QueuePair, act: (jobId: string) => Promise<boolean>) {
  let handled = 0;
  const next = () => listDeadLetters(pair, pageSize(pair));
  for (let page = await next(); page.length > 0; page = await next()) {
    handled += (await actOnEach(page.map((job) => ({ jobId: job.id! })), act)).length;
  }
  return handled;
}

const actions = {
  replay: { done: 'replayed', act: (pair: QueuePair, jobId: string) => replayDeadLetter(pair, jobId) },
  purge: { done: 'purged', act: async (pair: QueuePair, jobId: string) => (await purgeDeadLetters(pair, [jobId])) > 0 },
};

/** What else an inbox batch holds besides the delivery named. */
const otherDeliveries = (deliveryIds: readonly string[]) =>
  deliveryIds.length === 1
    ? 'no other delivery'
    : `${deliveryIds.length - 1} other deliver${deliveryIds.length === 2 ? 'y' : 'ies'}`;

async function change(io: CommandIo, action: keyof typeof actions, { consumers, id }: Selection): Promise<number> {
  const { done, act } = actions[action];
  return withQueuePairs(io.env, consumers, async (pairs) => {
    const plans = await Promise.all(
      pairs.map(async (pair) => ({ pair, targets: id === undefined ? undefined : await targetsOf(pair, id) })),
    );
    const batchTargets = plans
      .flatMap(({ targets }) => targets ?? [])
      .filter((target): target is Required<Target> => target.deliveryIds !== undefined);
    // A purge cannot be undone, and the other deliveries of a dead-lettered batch exist nowhere else.
    const sharedBatch = action === 'purge' ? batchTargets.find((target) => target.deliveryIds.length > 1) : undefined;
    if (sharedBatch) {
      io.stderr.write(
        `delivery ${id} is in inbox batch ${sharedBatch.jobId}, which holds ` +
          `${otherDeliveries(sharedBatch.deliveryIds)}: a purge by delivery id would drop them too, so nothing was ` +
          `purged; to drop the whole batch: herohooks dlq purge --queue inbox --id ${sharedBatch.jobId}\n`,
      );
      return EXIT_FAILURE;
    }
    const handledIn = async ({ pair, targets }: (typeof plans)[number]) => {
      const actOn = (jobId: string) => act(pair, jobId);
      const handled = targets ? await actOnEach(targets, actOn) : [];
      const n = targets ? handled.length : await eachDeadLetter(pair, actOn);
      return { queue: pair.definition.queue, n, handled };
    };
    const results = await Promise.all(plans.map(handledIn));
    const touched = results.filter(({ n }) => n > 0);
    const total = touched.reduce((sum, { n }) => sum + n, 0);
    if (id !== undefined && total === 0) {
      io.stderr.write(`no dead letter with id ${id} in ${consumers.length === 1 ? consumers[0] : 'any queue'}\n`);
      return EXIT_FAILURE;
    }
    const detail = touched.map(({ queue, n }) => `${queue}: ${n}`).join(', ');
    io.stdout.write(`${done} ${total} dead letter${total === 1 ? '' : 's'}${detail ? ` (${detail})` : ''}\n`);
    for (const { jobId, deliveryIds } of results.flatMap(({ handled }) => handled)) {
      if (!deliveryIds) continue;
      io.stdout.write(
        `delivery ${id} is in inbox batch ${jobId}, which holds ${otherDeliveries(deliveryIds)}: ${done} the batch\n`,
      );
    }
    return EXIT_OK;
  });
}

interface TargetOptions {
  id?: string | undefined;
  all?: boolean | undefined;
  queue?: string | undefined;
}

function selection(values: TargetOptions): Selection {
  if ((values.id === undefined) === !values.all) throw new UsageError('give exactly one of --id ID or --all');
  return { consumers: selectConsumers(values.queue), id: values.id };
}

export const dlq: Command = {
  name: 'dlq',
  summary: 'lists, replays (same job id, back to its queue) or purges dead letters',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, options);
    const [sub, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (sub === 'list') {
      if (values.id !== undefined || values.all) throw new UsageError('list takes --queue and --json only');
      return list(io, selectConsumers(values.queue), values.json ?? false);
    }
    if (sub === 'replay' || sub === 'purge') {
      if (values.json) throw new UsageError(`${sub} takes no --json`);
      return change(io, sub, selection(values));
    }
    throw new UsageError(sub === undefined ? 'missing sub-command' : `unknown sub-command "${sub}"`);
  },
};
