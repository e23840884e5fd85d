import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { waitFor } from '@herohooks/testing/wait';
import { startRedisServer } from './redis-server';

/** Pids of the AOF rewrites Redis forked for this port (Redis titles them "redis-aof-rewrite <host>:<port>"). */
const rewritesOf = (port: number): string[] =>
  execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes('redis-aof-rewrite') && line.includes(`:${port}`))
    .map((line) => line.trim().split(/\s+/)[0]!);

describe('startRedisServer', () => {
  it('stop() also ends an AOF rewrite in progress, which would go on writing into the removed directory', async () => {
    const server = await startRedisServer('everysec');
    const client = new Redis(server.url);
    let dir = '';
    try {
      dir = ((await client.config('GET', 'dir')) as string[])[1]!;
      // Each key then takes 0.2 s to rewrite: the rewrite runs for 20 s, far past stop().
      await client.config('SET', 'rdb-key-save-delay', '200000');
      await client.mset(...Array.from({ length: 100 }, (_, i) => [`key-${i}`, String(i)]).flat());
      await client.bgrewriteaof();
      await waitFor(() => rewritesOf(server.port).length > 0, { label: 'the AOF rewrite', timeoutMs: 5_000 });
    } finally {
      client.disconnect();
      await server.stop();
    }
    // At once: a rewrite left alone lives on until it finds its parent gone, up to a second.
    expect(rewritesOf(server.port)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });
});
