import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port';

export interface RedisServer {
  url: string;
  port: number;
  /** SIGKILL, then start again on the same port and data directory (the AOF is replayed). */
  crashAndRestart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** A private redis-server with AOF on (appendfsync `always` by default), as the compose file runs it. */
export async function startRedisServer(appendfsync: 'always' | 'everysec' = 'always'): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hh-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes',
    '--appendfsync', appendfsync, '--maxmemory-policy', 'noeviction'];
  let child: ChildProcess;
  const launch = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
    await probe.connect().catch(() => undefined);
    await probe.ping();
    probe.disconnect();
  };
  const kill = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async crashAndRestart(downMs = 1_000) {
      await kill();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await launch();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
