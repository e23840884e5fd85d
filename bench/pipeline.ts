import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createSchema } from '@herohooks/testing/schemas';
import { AppProcess } from '../e2e/harness/app-process';
import { freePort } from '../e2e/harness/free-port';
import { startRedisServer, type RedisServer } from '../e2e/harness/redis-server';
import { startSinks, type Sinks } from './sinks-client';
import { pollUntil } from './timing';

export const BENCH_SECRET = 'whsec_bench_e2e';

export interface Pipeline {
  ingressUrl: string;
  redis: RedisServer;
  prefix: string;
  /** Connection string whose sessions see only the bench schema. */
  databaseUrl: string;
  schema: string;
  /** Pool on the bench schema, for counting and reading ledger rows. */
  db: pg.Pool;
  sinks: Sinks;
  apps: AppProcess[];
  /**
   * Whether worker-slack reads SLACK_CHANNEL_INTERVAL_MS. Without it Slack is paced at one message per second
   * per channel, which no arrival rate here fits: Slack is then not routed at all (ROUTE_SLACK=none), so a storm
   * of deferred jobs does not distort the other figures.
   */
  slackMeasured: boolean;
  stop(): Promise<void>;
}

const root = join(import.meta.dirname, '..');

function slackReadsInterval(): boolean {
  return readFileSync(join(root, 'apps/worker-slack/dist/main.js'), 'utf8').includes('SLACK_CHANNEL_INTERVAL_MS');
}

async function answers(url: string): Promise<boolean> {
  return fetch(url).then(
    (r) => r.ok,
    () => false,
  );
}

export interface PipelineOptions {
  /** Env laid over an app's own, by app name (e.g. `{ingress: {ENQUEUE_LINGER_MS: '0'}}`): for A/B runs. */
  appEnv?: Record<string, Record<string, string>>;
  /** Redis AOF fsync mode; `always` is the compose default. */
  appendfsync?: 'always' | 'everysec';
}

/**
 * The whole pipeline as it runs in production, each app its own process from apps/<name>/dist (`pnpm -s build`
 * first): ingress, router, worker-ledger, worker-slack → Slack stub, worker-email → SMTP sink, on a private
 * redis-server (AOF always, the compose default) and a fresh PostgreSQL schema. Settings are the shipped defaults
 * unless `options` say otherwise.
 */
export async function startPipeline(baseDatabaseUrl: string, options: PipelineOptions = {}): Promise<Pipeline> {
  const logDir = mkdtempSync(join(tmpdir(), 'hh-bench-logs-'));
  const redis = await startRedisServer(options.appendfsync ?? 'always');
  const over = (name: string) => options.appEnv?.[name] ?? {};
  const prefix = `hh-bench-${randomUUID().slice(0, 8)}`;
  const benchSchema = await createSchema(baseDatabaseUrl, 'bench_e2e');
  const { name: schema, url: databaseUrl } = benchSchema;
  const sinks = await startSinks();
  const slackMeasured = slackReadsInterval();

  const common = { REDIS_URL: redis.url, QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' };
  const ingressPort = await freePort();
  const probes: string[] = [`http://127.0.0.1:${ingressPort}/healthz`];
  const worker = async (name: string, env: Record<string, string>) => {
    const port = await freePort();
    probes.push(`http://127.0.0.1:${port}/readyz`);
    return new AppProcess(name, { ...common, METRICS_PORT: String(port), ...env, ...over(name) }, logDir);
  };
  const apps = [
    new AppProcess(
      'ingress',
      { ...common, IH_WEBHOOK_SECRETS: BENCH_SECRET, PORT: String(ingressPort), HOST: '127.0.0.1', ...over('ingress') },
      logDir,
    ),
    await worker('router', slackMeasured ? {} : { ROUTE_SLACK: 'none' }),
    await worker('worker-ledger', { DATABASE_URL: databaseUrl }),
    await worker('worker-slack', {
      SLACK_BOT_TOKEN: sinks.slackToken,
      SLACK_API_URL: sinks.slackUrl,
      SLACK_CHANNEL: '#bench',
      SLACK_CHANNEL_INTERVAL_MS: '0',
    }),
    await worker('worker-email', { SMTP_URL: sinks.smtpUrl, EMAIL_FROM: 'bench@herohooks.test', EMAIL_TO: 'ops@herohooks.test' }),
  ];
  for (const app of apps) app.start();
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });

  const stop = async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await Promise.all([sinks.stop(), redis.stop(), db.end()]);
    await benchSchema.drop();
    rmSync(logDir, { recursive: true, force: true });
  };

  const ready = await pollUntil(async () => (await Promise.all(probes.map(answers))).every(Boolean), 30_000, 200);
  if (!ready) {
    const logs = apps.map((app) => `--- ${app.name}\n${readFileSync(join(logDir, `${app.name}.log`), 'utf8').slice(-2_000)}`);
    await stop();
    throw new Error(`the pipeline did not become ready within 30 s\n${logs.join('\n')}`);
  }
  return { ingressUrl: `http://127.0.0.1:${ingressPort}`, redis, prefix, databaseUrl, schema, db, sinks, apps, slackMeasured, stop };
}
