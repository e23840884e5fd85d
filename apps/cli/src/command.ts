/** Exit statuses from the contract. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  /** First word after `herohooks`, e.g. "send" or "dlq". */
  name: string;
  summary: string;
  usage: string;
  /** Returns the exit status; throws UsageError for bad arguments. */
  run(argv: string[], io: CommandIo): Promise<number>;
}
