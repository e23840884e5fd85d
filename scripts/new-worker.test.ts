import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { testDatabaseUrl } from '@herohooks/testing/postgres';
import { testRedisUrl } from '@herohooks/testing/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The generator edits the repository, so it runs in a throwaway copy: tracked and untracked-but-not-ignored files,
// a real `pnpm install --prefer-offline` (the store first; the registry only for metadata a fresh machine lacks), then the generated workers' own tests and the typecheck there.

const repo = fileURLToPath(new URL('..', import.meta.url));
const catalogPath = 'packages/contracts/src/catalog.ts';
const appsPath = 'scripts/apps.mjs';
const generatedFiles = ['package.json', 'src/env.ts', 'src/handler.test.ts', 'src/handler.ts', 'src/main.ts'];
let copy: string;
let nextPort: number;

interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: copy, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function runOk(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  const outcome = await run(command, args, env);
  if (outcome.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${outcome.status}:\n${outcome.stdout}\n${outcome.stderr}`);
  return outcome;
}

const newWorker = (...args: string[]) => run('node', ['scripts/new-worker.mjs', ...args]);
const read = (path: string) => readFileSync(join(copy, path), 'utf8');

async function copyRepository(): Promise<void> {
  const listing = ['ls-files', '-co', '--exclude-standard', '-z'];
  const { stdout } = await promisify(execFile)('git', listing, { cwd: repo, maxBuffer: 64 * 1024 * 1024 });
  for (const path of stdout.split('\0').filter((p) => p && !p.split('/').includes('node_modules'))) {
    // A listed file can be gone by the time it is copied when others are editing the tree; it is not needed then.
    if (!existsSync(join(repo, path))) continue;
    mkdirSync(dirname(join(copy, path)), { recursive: true });
    copyFileSync(join(repo, path), join(copy, path));
  }
}

const install = () => runOk('pnpm', ['install', '--prefer-offline', '--no-frozen-lockfile']);

beforeAll(async () => {
  copy = mkdtempSync(join(tmpdir(), 'hh-new-worker-'));
  await copyRepository();
  const { apps } = (await import(pathToFileURL(join(copy, appsPath)).href)) as { apps: { env: { METRICS_PORT?: string } }[] };
  nextPort = Math.max(...apps.map((app) => Number(app.env.METRICS_PORT ?? 0))) + 1;
  await install(); // the generator itself needs tsx from node_modules
  await runOk('node', ['scripts/new-worker.mjs', 'discord', '--no-install']);
  await runOk('node', ['scripts/new-worker.mjs', 'team-chat', '--types', 'new_payout_request,new_max_bid', '--no-install']);
  await install(); // links the two new workspace packages, as the generator does without --no-install
}, 180_000);

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('pnpm new:worker', () => {
  it('writes the worker folder, one catalog entry above the marker and one start line with the next metrics port', () => {
    for (const name of ['discord', 'team-chat']) {
      for (const file of generatedFiles) expect(existsSync(join(copy, `apps/worker-${name}`, file)), file).toBe(true);
    }
    expect(read('apps/worker-team-chat/package.json')).toContain('"name": "@herohooks/worker-team-chat"');
    expect(read('apps/worker-team-chat/src/env.ts')).toContain('TEAM_CHAT_DRY_RUN: Bool(false)');
    expect(read(catalogPath)).toContain(
      [
        "  discord: consumer('discord', WebhookEventSchema, webhookTypes),",
        "  'team-chat': consumer('team-chat', WebhookEventSchema, ['new_payout_request', 'new_max_bid']),",
        '  // new consumers go above this line',
      ].join('\n'),
    );
    expect(read(appsPath)).toContain(
      [
        `  { name: 'worker-discord', env: { METRICS_PORT: '${nextPort}' } },`,
        `  { name: 'worker-team-chat', env: { METRICS_PORT: '${nextPort + 1}' } },`,
        '  // new workers go above this line',
      ].join('\n'),
    );
  });

  it("passes the generated workers' own tests: the router delivers an inbox event to each, under its delivery id", async () => {
    const outcome = await run('pnpm', ['vitest', 'run', 'apps/worker-discord', 'apps/worker-team-chat'], {
      REDIS_URL: testRedisUrl(),
      DATABASE_URL: testDatabaseUrl(),
    });
    expect(outcome.status, outcome.stdout + outcome.stderr).toBe(0);
    const report = JSON.parse(read('.test-results/vitest.json')) as { numPassedTests: number; numFailedTests: number };
    expect(report).toMatchObject({ numPassedTests: 2, numFailedTests: 0 });
  }, 120_000);

  it('typechecks the generated files and the new catalog entries with the whole project', async () => {
    const { stdout } = await run('pnpm', ['typecheck', '--listFiles']);
    // Other folders of the tree may be mid-edit; only errors in what the generator wrote count here.
    const ours = /^(apps\/worker-(discord|team-chat)\/|packages\/contracts\/src\/catalog\.ts)/;
    expect(stdout.split('\n').filter((line) => ours.test(line) && line.includes('error TS'))).toEqual([]);
    for (const file of ['apps/worker-discord/src/handler.test.ts', 'apps/worker-team-chat/src/main.ts', catalogPath]) {
      expect(stdout, `${file} was type-checked`).toContain(join(copy, file));
    }
  }, 120_000);

  it.each([
    [['Discord'], 'is not a worker name'],
    [['my_worker'], 'is not a worker name'],
    [['9lives'], 'is not a worker name'],
    [['pager--duty'], 'is not a worker name'],
    [[], 'expected exactly one worker name'],
    [['pager', 'duty'], 'expected exactly one worker name'],
    [['pager', '--bogus'], "Unknown option '--bogus'"],
    [['discord'], 'is already a consumer or queue'],
    [['alerts'], 'is already a consumer or queue'],
    [['slack-dlq'], 'is already a consumer or queue'],
    [['pager', '--types', 'new_payout_request,payout'], 'unknown webhook types: payout'],
    [['pager', '--types', ','], '--types needs at least one webhook type'],
  ])('refuses %j with exit 2 and writes nothing', async (args, message) => {
    const before = [read(catalogPath), read(appsPath)];
    const outcome = await newWorker(...args, '--no-install');
    expect(outcome.status).toBe(2);
    expect(outcome.stderr).toContain(message);
    expect(outcome.stderr).toContain('usage: pnpm new:worker <name>');
    expect([read(catalogPath), read(appsPath)]).toEqual(before);
    expect(existsSync(join(copy, 'apps/worker-pager'))).toBe(false);
  });

  it('refuses a name whose app folder already exists, even without a catalog entry', async () => {
    mkdirSync(join(copy, 'apps/worker-pager'));
    const outcome = await newWorker('pager', '--no-install');
    rmSync(join(copy, 'apps/worker-pager'), { recursive: true });
    expect(outcome.status).toBe(2);
    expect(outcome.stderr).toContain('apps/worker-pager already exists');
  });
});
