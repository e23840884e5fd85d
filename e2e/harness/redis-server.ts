import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { killWithForked } from './forked-processes';
import { freePort } from './free-port';

export interface RedisServer {
  url: string;
  port: number;
  /** SIGKILL: gone without a goodbye, as a crashed or OOM-killed server. */
  crash(): Promise<void>;
  /** Starts again on the same port and data directory (the AOF is replayed); resolves once it answers PING. */
  recover(): Promise<void>;
  /** crash(), downMs later recover(). */
  crashAndRestart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** A private redis-server with AOF on (appendfsync `always` by default), as the compose file runs it. */
export async function startRedisServer(appendfsync: 'always' | 'everysec' = 'always'): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hh-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes',
    '--appendfsync', appendfsync, '--maxmemory-policy', 'noeviction'];
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
    probe.on('error', () => {}); // refused until the server listens
    try {
      await probe.connect().catch(() => undefined);
      // PING answers LOADING while the AOF is replayed; wait until the data set is back.
      for (;;) {
        const reply = await probe.ping().catch((error: Error) => error);
        if (reply === 'PONG') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      probe.disconnect();
    }
  };
  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    // With what it forked: an AOF rewrite left alone goes on writing into `dir` until it finds its parent gone
    // (up to a second).
    await killWithForked(running);
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    crash: kill,
    recover: launch,
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
