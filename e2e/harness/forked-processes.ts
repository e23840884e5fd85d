import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

/** The processes `pid` forked; none known where /proc does not tell (not Linux). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Resolves once `pid` has ended (a zombie has: nothing reaps the children of a killed Redis here). */
async function gone(pid: number): Promise<void> {
  const ended = () => {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
    } catch {
      return true;
    }
  };
  while (!ended()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/**
 * SIGKILLs a process and the processes it forked, and resolves once all have ended. It is stopped first, so that
 * it forks nothing more while its children are read.
 */
export async function killWithForked(running: ChildProcess): Promise<void> {
  const exited = once(running, 'exit');
  running.kill('SIGSTOP');
  const forked = childrenOf(running.pid!);
  running.kill('SIGKILL');
  for (const pid of forked) killIfAlive(pid);
  await Promise.all([exited, ...forked.map(gone)]);
}
