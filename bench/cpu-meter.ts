import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { childPid } from './proc';

export const TICKS_PER_S = 100; // USER_HZ on Linux

export function processTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

function machineTicks(): { busy: number; total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

export interface CpuUse {
  /** Cores used on average by each of our processes while the meter ran. */
  processes: Record<string, number>;
  /** Sum over our processes (the bench itself included). */
  ours: number;
  /** Cores busy on the whole machine: what other jobs on the shared machine took is `machine - ours`. */
  machine: number;
}

/**
 * Measures CPU while a part runs: per child process (found by a piece of its command line), this process, and
 * the whole machine, so a noisy neighbour shows in the report instead of hiding in the figures.
 */
export function startCpuMeter(children: Record<string, string>): { stop(): CpuUse } {
  const pids = Object.entries(children).map(([name, script]) => [name, childPid(script)] as const);
  const before = new Map(pids.map(([name, pid]) => [name, processTicks(pid)]));
  const selfBefore = process.cpuUsage();
  const machineBefore = machineTicks();
  const started = performance.now();
  return {
    stop() {
      const seconds = (performance.now() - started) / 1000;
      const cores = (ticks: number) => Math.round((ticks / TICKS_PER_S / seconds) * 100) / 100;
      const processes: Record<string, number> = {};
      for (const [name, pid] of pids) {
        try {
          processes[name] = cores(processTicks(pid) - before.get(name)!);
        } catch {
          processes[name] = Number.NaN; // it exited
        }
      }
      const self = process.cpuUsage(selfBefore);
      processes.bench = Math.round(((self.user + self.system) / 1e6 / seconds) * 100) / 100;
      const machine = machineTicks();
      const busyShare = (machine.busy - machineBefore.busy) / (machine.total - machineBefore.total);
      const ours = Math.round(Object.values(processes).reduce((a, b) => a + (Number.isNaN(b) ? 0 : b), 0) * 100) / 100;
      return { processes, ours, machine: Math.round(busyShare * cpus().length * 100) / 100 };
    },
  };
}
