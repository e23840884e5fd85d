import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { SinksReady, SinksReport, SinksRequest } from './sinks';

export interface Sinks {
  slackUrl: string;
  slackToken: string;
  smtpUrl: string;
  /** Receipts so far (since the last take). */
  count(): Promise<SinksReport>;
  /** Every receipt since the last take, then forgets them. */
  take(): Promise<SinksReport>;
  stop(): Promise<void>;
}

/** Starts bench/sinks.ts as a child process and talks to it over IPC, one request at a time. */
export async function startSinks(): Promise<Sinks> {
  const child: ChildProcess = fork(fileURLToPath(new URL('sinks.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(() => {
      throw new Error('bench/sinks.ts exited before it was ready');
    }),
  ])) as [SinksReady];
  let queue: Promise<unknown> = Promise.resolve();
  const ask = (request: SinksRequest): Promise<SinksReport> => {
    const answer = queue.then(async () => {
      child.send(request);
      const [report] = (await once(child, 'message')) as [SinksReport];
      return report;
    });
    queue = answer.catch(() => undefined);
    return answer;
  };
  return {
    slackUrl: ready.slackUrl,
    slackToken: ready.slackToken,
    smtpUrl: ready.smtpUrl,
    count: () => ask('count'),
    take: () => ask('take'),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
