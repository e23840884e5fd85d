export interface Step {
  /** Milliseconds after the schedule starts. */
  atMs: number;
  name: string;
  run(): Promise<void> | void;
}

export interface StepRecord {
  name: string;
  plannedMs: number;
  startedMs: number;
  tookMs: number;
}

/**
 * Runs the steps one after another, each at its fixed offset (or as soon as the previous step is done, if that
 * took longer). Deterministic: the same faults in the same order every run.
 */
export async function runSchedule(steps: readonly Step[], log: (line: string) => void = () => {}): Promise<StepRecord[]> {
  const started = Date.now();
  const records: StepRecord[] = [];
  for (const step of [...steps].sort((a, b) => a.atMs - b.atMs)) {
    const wait = started + step.atMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const startedMs = Date.now() - started;
    await step.run();
    const record = { name: step.name, plannedMs: step.atMs, startedMs, tookMs: Date.now() - started - startedMs };
    records.push(record);
    log(`t+${(startedMs / 1000).toFixed(1)}s ${step.name} (${record.tookMs} ms)`);
  }
  return records;
}
