import type { E2ePhase } from './e2e';

/** CPU ms per delivery of the given processes (cores while sending), NaN (an exited process) left out. */
export function cpuMsPerDelivery(processes: Record<string, number>, perS: number): number {
  const cores = Object.values(processes).reduce((sum, n) => (Number.isFinite(n) ? sum + n : sum), 0);
  return Math.round((cores / perS) * 1000 * 100) / 100;
}

/** Test equipment that shares the machine with the pipeline: not part of what a delivery costs. */
const equipment = new Set(['bench', 'stubs']);

/**
 * CPU per delivery of the pipeline's own processes while sending. A backlog that grew during the phase was work
 * not yet done, so where it grew the figure understates the cost.
 */
export function pipelineCpuMsPerDelivery(phase: E2ePhase): { total: number; processes: Record<string, number> } {
  const perS = phase.send.sentPerS;
  const own = Object.entries(phase.cpu.processes).filter(([name, cores]) => !equipment.has(name) && Number.isFinite(cores));
  return {
    total: cpuMsPerDelivery(Object.fromEntries(own), perS),
    processes: Object.fromEntries(own.map(([name, cores]) => [name, cpuMsPerDelivery({ [name]: cores }, perS)])),
  };
}
