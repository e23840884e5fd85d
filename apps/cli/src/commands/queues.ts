import type { QueuePair } from '@herohooks/worker-kit';
import { parseOptions } from '../args';
import { EXIT_OK, UsageError, type Command } from '../command';
import { selectConsumers, withQueuePairs } from '../queue-pairs';
import { renderTable } from '../table';

const states = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;
type State = (typeof states)[number];

export interface QueueCounts extends Record<State, number> {
  queue: string;
  deadLetterQueue: string;
  /** Jobs waiting in the consumer's dead-letter queue. */
  dead: number;
}

async function countsOf(pair: QueuePair): Promise<QueueCounts> {
  const [counts, dead] = await Promise.all([pair.source.getJobCounts(...states), pair.deadLetters.getWaitingCount()]);
  const byState = Object.fromEntries(states.map((state) => [state, counts[state] ?? 0])) as Record<State, number>;
  return { queue: pair.definition.queue, deadLetterQueue: pair.definition.deadLetterQueue, ...byState, dead };
}

export const queues: Command = {
  name: 'queues',
  summary: 'counts per queue: waiting, active, delayed, completed, failed, dead (in its dead-letter queue)',
  usage: 'herohooks queues [--json]',
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { json: { type: 'boolean' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const rows = await withQueuePairs(io.env, selectConsumers(undefined), (pairs) => Promise.all(pairs.map(countsOf)));
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ queues: rows }, null, 2)}\n`);
    } else {
      const headers = ['queue', ...states, 'dead'];
      io.stdout.write(renderTable(headers, rows.map((row) => [row.queue, ...states.map((s) => row[s]), row.dead])));
    }
    return EXIT_OK;
  },
};
