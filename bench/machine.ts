import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import pg from 'pg';

export interface Machine {
  cores: number;
  model: string;
  memoryGb: number;
  node: string;
  redis: string;
  postgres: string;
}

const firstLine = (command: string, args: string[]) => {
  try {
    return execFileSync(command, args, { encoding: 'utf8' }).split('\n')[0]!.trim();
  } catch {
    return 'unknown';
  }
};

/** `uptime`'s load averages (1, 5, 15 min): how busy the shared machine was. */
export function loadAverages(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(', ');
}

export async function describeMachine(databaseUrl: string): Promise<Machine> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
  await client.end();
  return {
    cores: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    redis: /v=(\S+)/.exec(firstLine('redis-server', ['--version']))?.[1] ?? 'unknown',
    postgres: rows[0]!.server_version,
  };
}
