import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

/**
 * One app run exactly as its container runs it (`node apps/<name>/dist/main.js`), with its output appended to a
 * log file so the test can read every line the run wrote.
 */
export class AppProcess {
  private child: ChildProcess | undefined;
  private readonly log: WriteStream;
  restarts = 0;

  constructor(
    readonly name: string,
    private readonly env: NodeJS.ProcessEnv,
    logDir: string,
  ) {
    this.log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  }

  start(): void {
    const child = spawn(process.execPath, [`apps/${this.name}/dist/main.js`], {
      cwd: root,
      env: { PATH: process.env.PATH, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    this.child = child;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  async restart(downMs = 300): Promise<void> {
    await this.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, downMs));
    this.restarts += 1;
    this.start();
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    this.log.end();
  }
}
