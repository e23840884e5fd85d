import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@herohooks/testing/wait';
import { AppProcess } from './app-process';

/**
 * The apps of one test run: all share the Redis URL and queue prefix, log into one directory, and are stopped
 * together (also when the test failed).
 */
export class ProcessGroup {
  readonly logDir = mkdtempSync(join(tmpdir(), 'hh-e2e-logs-'));
  private readonly apps = new Map<string, AppProcess>();

  constructor(private readonly common: { REDIS_URL: string; QUEUE_PREFIX: string }) {}

  start(name: string, env: NodeJS.ProcessEnv = {}): AppProcess {
    // Workers get a short shutdown deadline so the final SIGTERM does not wait long for in-flight jobs.
    const app = new AppProcess(name, { ...this.common, LOG_LEVEL: 'info', SHUTDOWN_DEADLINE_MS: '2000', ...env }, this.logDir);
    this.apps.set(name, app);
    app.start();
    return app;
  }

  get(name: string): AppProcess {
    const app = this.apps.get(name);
    if (!app) throw new Error(`no app ${name} in this group`);
    return app;
  }

  logFiles(): string[] {
    return [...this.apps.values()].map((app) => app.logFile);
  }

  /** Apps that exited without the test asking, with how. */
  unexpectedExits(): Record<string, string[]> {
    return Object.fromEntries([...this.apps.values()].filter((a) => a.unexpectedExits.length).map((a) => [a.name, a.unexpectedExits]));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.apps.values()].map((app) => app.stop()));
  }

  removeLogs(): void {
    rmSync(this.logDir, { recursive: true, force: true });
  }
}

/** Resolves once the ingress answers /readyz with 200 (it is listening and reaches Redis). */
export async function waitUntilReady(baseUrl: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    async () => {
      const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
      return response?.status === 200;
    },
    { timeoutMs, intervalMs: 100, label: `${baseUrl}/readyz` },
  );
}
