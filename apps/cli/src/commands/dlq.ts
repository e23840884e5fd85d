import { catalog, inboxEvents, type ConsumerName, type InboxJob } from '@herohooks/contracts';
import { listDeadLetters, purgeDeadLetters, replayDeadLetter, type QueuePair } from '@herohooks/worker-kit';
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

async function rowsOf(pair: QueuePair): Promise<DeadLetterRow[]> {
  const jobs = await listDeadLetters(pair);
  const isInbox = pair.definition === catalog.inbox;
  return jobs.map((job) => {
    const deliveryIds = isInbox ? inboxEvents(job.data.data as InboxJob).map((event) => event.deliveryId) : undefined;
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
  });
}

async function list(io: CommandIo, consumers: ConsumerName[], json: boolean): Promise<number> {
  const rows = (await withQueuePairs(io.env, consumers, (pairs) => Promise.all(pairs.map(rowsOf)))).flat();
  if (json) {
    io.stdout.write(`${JSON.stringify({ deadLetters: rows }, null, 2)}\n`);
  } else if (rows.length === 0) {
    io.stdout.write('no dead letters\n');
  } else {
    const headers = ['id', 'queue', 'type', 'reason', 'attempts', 'failedAt'];
    io.stdout.write(renderTable(headers, rows.map((r) => [r.id, r.queue, r.type, r.reason, r.attempts, r.failedAt])));
  }
  return EXIT_OK;
}

/** One dead letter by id, or every dead letter in batches until the queue is empty; returns how many were handled. */
async function eachDeadLetter(pair: QueuePair, id: string | undefined, act: (jobId: string) => Promise<boolean>) {
  if (id !== undefined) return (await act(id)) ? 1 : 0;
  let handled = 0;
  for (let batch = await listDeadLetters(pair); batch.length > 0; batch = await listDeadLetters(pair)) {
    for (const job of batch) if (await act(job.id!)) handled += 1;
  }
  return handled;
}

const actions = {
  replay: { done: 'replayed', act: (pair: QueuePair, jobId: string) => replayDeadLetter(pair, jobId) },
  purge: { done: 'purged', act: async (pair: QueuePair, jobId: string) => (await purgeDeadLetters(pair, [jobId])) > 0 },
};

async function change(io: CommandIo, action: keyof typeof actions, { consumers, id }: Selection): Promise<number> {
  const { done, act } = actions[action];
  const handledIn = async (pair: QueuePair) =>
    [pair.definition.queue, await eachDeadLetter(pair, id, (jobId) => act(pair, jobId))] as const;
  const counts = await withQueuePairs(io.env, consumers, (pairs) => Promise.all(pairs.map(handledIn)));
  const touched = counts.filter(([, n]) => n > 0);
  const total = touched.reduce((sum, [, n]) => sum + n, 0);
  if (id !== undefined && total === 0) {
    io.stderr.write(`no dead letter with id ${id} in ${consumers.length === 1 ? consumers[0] : 'any queue'}\n`);
    return EXIT_FAILURE;
  }
  const detail = touched.map(([queue, n]) => `${queue}: ${n}`).join(', ');
  io.stdout.write(`${done} ${total} dead letter${total === 1 ? '' : 's'}${detail ? ` (${detail})` : ''}\n`);
  return EXIT_OK;
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
