import { Agent, request } from 'node:http';
import { webhookTypes, type WebhookType } from '../packages/contracts/src/index';
import { fixture } from '../packages/contracts/src/fixtures';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from '../packages/signing/src/index';
import { spread, type Spread } from './stats';
import { sleep } from './timing';

export interface OpenLoopOptions {
  /** http://127.0.0.1:<port> of the ingress. */
  url: string;
  secret: string;
  ratePerSecond: number;
  durationS: number;
  /** Tag inside every body, so each body is distinct and a run's rows can be told apart. */
  label: string;
  /** Requests allowed in flight; a send that finds them all busy is counted as `skipped`, never queued. */
  maxInFlight?: number;
}

export interface Accepted {
  id: string;
  type: WebhookType;
  /** When the 202 arrived, epoch milliseconds. */
  answeredAt: number;
}

export interface OpenLoopResult {
  planned: number;
  sent: number;
  skipped: number;
  statuses: Record<string, number>;
  errors: number;
  accepted: Accepted[];
  /** Achieved sending rate over the schedule. */
  sentPerS: number;
  /** Time from send to answer, as the sender saw it. */
  http: Spread;
  /** How far behind its schedule the sender fell at worst (its own overload shows here). */
  maxLagMs: number;
}

/** Each body is the type's fixture plus a `_herohooks_seq` field, built by concatenation so sending stays cheap. */
function bodyMakers(label: string): ((seq: number) => string)[] {
  return webhookTypes.map((type) => {
    const [head, tail] = JSON.stringify({ ...fixture(type), _herohooks_seq: '\u0000' }).split('\\u0000');
    return (seq: number) => `${head}${label}-${seq}${tail}`;
  });
}

/**
 * Open loop: request i is sent at start + i / rate whatever the answers do (a closed loop would slow down with
 * the server and hide its queueing). Types rotate through all 11. Bounded in count (rate × duration) and in time
 * (each request times out after 10 s; the run waits at most 15 s for the last answers).
 */
export async function sendOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const makers = bodyMakers(options.label);
  const planned = Math.round(options.ratePerSecond * options.durationS);
  const maxInFlight = options.maxInFlight ?? 2_000;
  const statuses: Record<string, number> = {};
  const accepted: Accepted[] = [];
  const latencies: number[] = [];
  let sent = 0;
  let skipped = 0;
  let errors = 0;
  let inFlight = 0;
  let maxLagMs = 0;

  const send = (seq: number) => {
    const typeIndex = seq % webhookTypes.length;
    const type = webhookTypes[typeIndex]!;
    const body = makers[typeIndex]!(seq);
    const started = performance.now();
    inFlight += 1;
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path: `/webhooks/influencer-hero/${type}`,
        timeout: 10_000,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          [SIGNATURE_HEADER]: sign(body, options.secret),
          [TIMESTAMP_HEADER]: String(Math.floor(Date.now() / 1000)),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          inFlight -= 1;
          latencies.push(performance.now() - started);
          const status = String(res.statusCode);
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (res.statusCode === 202) {
            const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string };
            accepted.push({ id: answer.id, type, answeredAt: Date.now() });
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      inFlight -= 1;
      errors += 1;
    });
    req.end(body);
  };

  const start = performance.now();
  let next = 0;
  while (next < planned) {
    const due = Math.min(planned, Math.floor(((performance.now() - start) * options.ratePerSecond) / 1000) + 1);
    maxLagMs = Math.max(maxLagMs, performance.now() - start - (next * 1000) / options.ratePerSecond);
    for (; next < due; next += 1) {
      if (inFlight >= maxInFlight) skipped += 1;
      else {
        send(next);
        sent += 1;
      }
    }
    await sleep(1);
  }
  const seconds = (performance.now() - start) / 1000;
  const drainDeadline = Date.now() + 15_000;
  while (inFlight > 0 && Date.now() < drainDeadline) await sleep(20);
  agent.destroy();
  return {
    planned,
    sent,
    skipped,
    statuses,
    errors,
    accepted,
    sentPerS: Math.round(sent / seconds),
    http: spread(latencies),
    maxLagMs: Math.round(maxLagMs),
  };
}
