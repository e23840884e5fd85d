import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
// bench/ is not a workspace package: the workspace packages are imported by path.
import { fixture } from '../packages/contracts/src/fixtures';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from '../packages/signing/src/index';

/** Servers under closed-loop load, each a child process: what bench/ingress.ts and bench/ingress-variants.ts share. */

const root = fileURLToPath(new URL('..', import.meta.url));
export const SECRET = 'whsec_bench';
const TYPE = 'new_payout_request';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}

/**
 * Servers run as child processes: the load generator then does not share their event loop (which would cut both
 * figures and skew the ratio), and the RSS read from /proc is the server's alone.
 */
export async function startChild(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  // Built apps (dist/*.js) run as they ship; the bench's own servers run from source.
  const args = script.endsWith('.js') ? [script] : ['--import', 'tsx', script];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, url };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} did not answer /healthz within 20 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export function memoryMb(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024) };
}

/**
 * Every request carries a distinct body (a fixture plus a sequence field) signed at send time, so the ingress
 * accepts each one (202) instead of short-circuiting on duplicates. The body is built by concatenation around
 * the sequence number so the load generator spends its time sending, not serialising.
 */
function signedRequests(): autocannon.Request[] {
  const [head, tail] = JSON.stringify({ ...fixture(TYPE), _herohooks_seq: '\u0000' }).split('\\u0000');
  const runId = randomUUID().slice(0, 8);
  let seq = 0;
  return [
    {
      method: 'POST',
      path: `/webhooks/influencer-hero/${TYPE}`,
      setupRequest: (request) => {
        const body = `${head}${runId}-${seq++}${tail}`;
        return {
          ...request,
          body,
          headers: {
            'content-type': 'application/json',
            [SIGNATURE_HEADER]: sign(body, SECRET),
            [TIMESTAMP_HEADER]: String(Math.floor(Date.now() / 1000)),
          },
        };
      },
    },
  ];
}

export async function load(url: string, durationS: number, connections: number): Promise<autocannon.Result> {
  return autocannon({ url, connections, duration: durationS, requests: signedRequests() });
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
