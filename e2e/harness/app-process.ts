import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { nodeOptionsEnv } from '../../scripts/apps.mjs';

const root = join(import.meta.dirname, '..', '..');

/**
 * One app run exactly as its container runs it (`node apps/<name>/dist/main.js` with its Node.js options), with its output appended to a
 * log file so the test can read every line the run wrote.
 */
export class AppProcess {
  private child: ChildProcess | undefined;
  private readonly log: WriteStream;
  /** Children the test itself stopped or killed. */
  private readonly expectingExit = new WeakSet<ChildProcess>();
  readonly logFile: string;
  restarts = 0;
  /** Exits the test did not cause (a crash or a clean exit nobody asked for), as "code=1" / "signal=SIGABRT". */
  readonly unexpectedExits: string[] = [];

  constructor(
    readonly name: string,
    private readonly env: NodeJS.ProcessEnv,
    logDir: string,
  ) {
    this.logFile = join(logDir, `${name}.log`);
    this.log = createWriteStream(this.logFile, { flags: 'a' });
  }

  start(): void {
    const child = spawn(process.execPath, [`apps/${this.name}/dist/main.js`], {
      cwd: root,
      env: { PATH: process.env.PATH, ...nodeOptionsEnv(this.name), ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    child.once('exit', (code, signal) => {
      if (!this.expectingExit.has(child)) this.unexpectedExits.push(signal ? `signal=${signal}` : `code=${code}`);
    });
    this.child = child;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends the signal and waits until the process is gone and its output has reached the log. */
  async kill(signal: NodeJS.Signals = 'SIGKILL', { escalateAfterMs = 15_000 } = {}): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.expectingExit.add(child);
    if (child.exitCode !== null || child.signalCode !== null) return;
    // 'close' (not 'exit'): stdout and stderr are drained by then.
    const closed = once(child, 'close');
    child.kill(signal);
    const escalate = setTimeout(() => child.kill('SIGKILL'), escalateAfterMs);
    await closed;
    clearTimeout(escalate);
  }

  async restart(downMs = 300): Promise<void> {
    await this.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, downMs));
    this.restarts += 1;
    this.start();
  }

  /** SIGTERM (SIGKILL if it hangs), then closes the log file. */
  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    if (this.log.closed) return;
    this.log.end();
    await once(this.log, 'close');
  }
}
