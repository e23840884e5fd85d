import { createIORedisClient, type IRedisClient, type IRedisTransaction } from 'bullmq';
import type { Redis } from 'ioredis';

/** BullMQ's names (with its version after the colon) of the scripts a job add runs: addStandardJob and kin. */
const JOB_ADD_SCRIPT = /^add\w*Job:/;

interface DefinedScripts {
  scriptsSet: Record<string, { lua: string; numberOfKeys: number }>;
}

export interface JobAddTransactions {
  /**
   * A MULTI on which BullMQ's Job.addJob can be called; call it once BullMQ has defined its scripts on the queue's
   * connection (after `await queue.client`).
   */
  start(): Promise<IRedisTransaction>;
  /** Drops the connection and makes a new one, so that ioredis sends the scripts' text again (see the producer). */
  reconnect(): void;
  ping(): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Transactions for job adds, on a connection of their own that defines only the scripts a job add runs, copied
 * from the queue's connection once BullMQ has defined them there. ioredis copies every script a connection defines
 * onto each transaction it starts, and BullMQ defines about fifty: a MULTI on the queue's connection took 20 µs,
 * one here 4 µs (2026-12-05, Xeon), paid once per inbox batch.
 */
export function jobAddTransactions(queueConnection: Redis, onError: (error: Error) => void): JobAddTransactions {
  const connection = queueConnection.duplicate();
  connection.on('error', onError);
  const client: IRedisClient = createIORedisClient(connection);
  // Only the first transactions wait for the connection; later ones fail at once while it is down (no offline queue).
  const firstReady = new Promise<void>((resolve) => connection.once('ready', resolve));
  let scriptsCopied = false;

  return {
    async start() {
      if (!scriptsCopied) {
        for (const [name, script] of Object.entries((queueConnection as unknown as DefinedScripts).scriptsSet)) {
          if (JOB_ADD_SCRIPT.test(name)) connection.defineCommand(name, { lua: script.lua, numberOfKeys: script.numberOfKeys });
        }
        scriptsCopied = true;
      }
      await firstReady;
      return client.multi();
    },
    reconnect: () => connection.disconnect(true),
    ping: () => connection.ping(),
    async close() {
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
