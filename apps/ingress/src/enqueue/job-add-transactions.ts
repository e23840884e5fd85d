import type { IRedisTransaction, Job } from 'bullmq';
import type { ChainableCommander, Redis } from 'ioredis';
import { withDeadline } from '@herohooks/runtime';

/** BullMQ's names (with its version after the colon) of the scripts a job add runs: addStandardJob and kin. */
const JOB_ADD_SCRIPT = /^add\w*Job:/;

interface Script {
  lua: string;
  sha: string;
  numberOfKeys: number;
}

interface DefinedScripts {
  scriptsSet: Record<string, Script>;
}

/** How long a batch waits for the connection's first connect. */
const CONNECT_WAIT_MS = 1_000;

const notConnected = () => new Error('the inbox batch connection has not connected to Redis');

/** One command's reply in a transaction, as ioredis gives them: an error, or null and the value. */
export type Reply = [Error | null, unknown];

/**
 * MULTI, the commands, EXEC, sent as one plain ioredis pipeline. BullMQ's Job.addJob calls `runCommand` with one of
 * its scripts, which goes out as an EVALSHA of the script loaded beforehand. Every method is on the prototype:
 * functions made per transaction and stored on it (as ioredis' multi(), its script commands and BullMQ's
 * transaction wrapper do) kept every batch, with its payloads, alive through young collections until the next full
 * one (docs/operations.md, Ingress memory).
 */
export class BatchTransaction {
  constructor(
    private readonly pipeline: ChainableCommander,
    private readonly scripts: ReadonlyMap<string, Script>,
  ) {
    pipeline.call('MULTI');
  }

  /** Queues BullMQ's add of `job`. */
  addJob(job: Job): Promise<unknown> {
    return job.addJob(this as unknown as IRedisTransaction);
  }

  /** What BullMQ's Job.addJob calls (its IRedisTransaction interface) to run one of its scripts. */
  runCommand(name: string, args: (string | number | Buffer)[]): this {
    const script = this.scripts.get(name);
    if (!script) throw new Error(`the batch connection has no script ${name}: BullMQ adds jobs differently now`);
    this.pipeline.evalsha(script.sha, script.numberOfKeys, ...args);
    return this;
  }

  eval(script: string, numberOfKeys: number, ...args: (string | number)[]): this {
    this.pipeline.eval(script, numberOfKeys, ...args);
    return this;
  }

  /** Sends it all; resolves with each command's reply in order, or rejects when Redis refused the transaction. */
  async exec(): Promise<Reply[]> {
    this.pipeline.call('EXEC');
    const results = (await this.pipeline.exec()) ?? [];
    const [error, replies] = results[results.length - 1] ?? [new Error('no reply to EXEC'), null];
    // An EXECABORT's cause (OOM, READONLY, …) is in the reply to the command Redis refused to queue.
    if (error) throw results.find(([queueError]) => queueError && queueError !== error)?.[0] ?? error;
    if (!Array.isArray(replies)) throw new Error('Redis did not run the transaction');
    return replies.map((reply): Reply => (reply instanceof Error ? [reply, null] : [null, reply]));
  }
}

export interface JobAddTransactions {
  /** A transaction to add a job to; call it once BullMQ has defined its scripts (after `await queue.client`). */
  start(): Promise<BatchTransaction>;
  /** Loads the scripts into Redis again, after a NOSCRIPT (SCRIPT FLUSH, a failover behind a proxy). */
  reloadScripts(): void;
  ping(): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Transactions for job adds, on a connection of their own without scripts defined on it. ioredis copies every
 * script a connection defines onto each pipeline it starts, and BullMQ defines about fifty on the queue's
 * connection: a MULTI there took 20 µs, a pipeline here 4 µs. The job-add scripts are taken from the queue's
 * connection, where BullMQ defined them, and loaded into Redis whenever this connection (re)connects.
 */
export function jobAddTransactions(queueConnection: Redis, onError: (error: Error) => void): JobAddTransactions {
  const connection = queueConnection.duplicate();
  connection.on('error', onError);
  const firstReady = new Promise<void>((resolve) => connection.once('ready', resolve));
  let scripts: ReadonlyMap<string, Script> | undefined;
  let loaded: Promise<void> | undefined;

  const load = (known: ReadonlyMap<string, Script>): Promise<void> => {
    const loading = Promise.all([...known.values()].map((script) => connection.script('LOAD', script.lua)));
    // A failed load is tried again by the next batch rather than failing every batch after it.
    loaded = loading.then(
      () => undefined,
      (error: unknown) => {
        loaded = undefined;
        throw error;
      },
    );
    return loaded;
  };
  // Redis may have restarted with an empty script cache.
  connection.on('ready', () => {
    if (scripts) load(scripts).catch(onError);
  });

  return {
    async start() {
      if (!scripts) {
        const defined = Object.entries((queueConnection as unknown as DefinedScripts).scriptsSet);
        scripts = new Map(defined.filter(([name]) => JOB_ADD_SCRIPT.test(name)));
      }
      // Until the first connect, a batch waits for it up to a second, not without end holding its payloads; after
      // that, while Redis cannot be reached, a batch fails at once (no offline queue).
      if (connection.status !== 'ready') await withDeadline(firstReady, CONNECT_WAIT_MS, notConnected);
      await (loaded ?? load(scripts));
      return new BatchTransaction(connection.pipeline(), scripts);
    },
    reloadScripts() {
      if (scripts) load(scripts).catch(onError);
    },
    ping: () => connection.ping(),
    async close() {
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
