// `pnpm new:worker <name> [--types t1,t2] [--no-install]`: a new notification worker is one folder and one catalog
// entry. Writes apps/worker-<name>/ from scripts/templates/worker, adds the catalog entry and the `pnpm start` line,
// links the new workspace package. Exit status: 0 done, 1 failure, 2 bad usage (nothing written).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { apps } from './apps.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const templates = fileURLToPath(new URL('templates/worker/', import.meta.url));
const catalogFile = join(root, 'packages/contracts/src/catalog.ts');
const appsFile = join(root, 'scripts/apps.mjs');
const catalogMarker = '// new consumers go above this line';
const appsMarker = '// new workers go above this line';
const usage = 'usage: pnpm new:worker <name> [--types type1,type2] [--no-install]';

class UsageError extends Error {}

try {
  const request = await parseRequest(process.argv.slice(2));
  generate(request);
  if (request.install) install();
  printNextSteps(request);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof UsageError) process.stderr.write(`${usage}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
}

async function parseRequest(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { types: { type: 'string' }, 'no-install': { type: 'boolean', default: false } },
    });
  } catch (error) {
    throw new UsageError(error.message);
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1) throw new UsageError('expected exactly one worker name');
  const name = positionals[0];
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) {
    throw new UsageError(`"${name}" is not a worker name: use lower-case letters, digits and single dashes, starting with a letter`);
  }
  // The catalog is the one source of queue names and webhook types; read it rather than a copy of it.
  const { catalog, isWebhookType } = await tsImport(join(root, 'packages/contracts/src/index.ts'), import.meta.url);
  const takenQueues = Object.values(catalog).flatMap((definition) => [definition.queue, definition.deadLetterQueue]);
  if (Object.hasOwn(catalog, name) || takenQueues.includes(name) || takenQueues.includes(`${name}-dlq`)) {
    throw new UsageError(`"${name}" is already a consumer or queue in packages/contracts/src/catalog.ts`);
  }
  if (existsSync(join(root, 'apps', `worker-${name}`)) || apps.some((app) => app.name === `worker-${name}`)) {
    throw new UsageError(`apps/worker-${name} already exists`);
  }
  const types = values.types === undefined ? undefined : [...new Set(values.types.split(',').map((t) => t.trim()))].filter(Boolean);
  if (types?.length === 0) throw new UsageError('--types needs at least one webhook type');
  const unknown = (types ?? []).filter((type) => !isWebhookType(type));
  if (unknown.length) throw new UsageError(`unknown webhook types: ${unknown.join(', ')}`);
  return { name, types, install: !values['no-install'] };
}

function generate({ name, types }) {
  const catalogText = readFileSync(catalogFile, 'utf8');
  const appsText = readFileSync(appsFile, 'utf8');
  const typeList = types ? `[${types.map((type) => `'${type}'`).join(', ')}]` : 'webhookTypes';
  const key = /^[a-z][a-z0-9]*$/.test(name) ? name : `'${name}'`;
  const catalogLine = `${key}: consumer('${name}', WebhookEventSchema, ${typeList}),`;
  const metricsPort = Math.max(...apps.map((app) => Number(app.env.METRICS_PORT ?? 0))) + 1;
  const appLine = `{ name: 'worker-${name}', env: { METRICS_PORT: '${metricsPort}' } },`;
  // Both edits are prepared before anything is written, so a missing marker leaves the tree as it was.
  const edits = [
    [catalogFile, insertAbove(catalogText, catalogMarker, catalogLine)],
    [appsFile, insertAbove(appsText, appsMarker, appLine)],
  ];
  const appDir = join(root, 'apps', `worker-${name}`);
  for (const template of listFiles(templates)) {
    const target = join(appDir, relative(templates, template).replace(/\.tmpl$/, ''));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, fill(readFileSync(template, 'utf8'), name));
  }
  for (const [file, text] of edits) writeFileSync(file, text);
  console.log(`wrote apps/worker-${name}/ (${listFiles(appDir).map((f) => relative(appDir, f)).join(', ')})`);
  console.log(`catalog:  ${catalogLine}`);
  console.log(`apps.mjs: ${appLine}`);
}

function insertAbove(text, marker, line) {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.trim() === marker || l.trim().startsWith(`${marker} `));
  if (at === -1) throw new Error(`marker "${marker}" not found; add the line by hand`);
  const indent = lines[at].match(/^\s*/)[0];
  lines.splice(at, 0, `${indent}${line}`);
  return lines.join('\n');
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** {{name}} discord-bot, {{camel}} discordBot, {{Pascal}} DiscordBot, {{ENV}} DISCORD_BOT, {{version:pkg}}. */
function fill(text, name) {
  const words = name.split('-');
  const pascal = words.map((word) => word[0].toUpperCase() + word.slice(1)).join('');
  const values = {
    name,
    camel: pascal[0].toLowerCase() + pascal.slice(1),
    Pascal: pascal,
    ENV: words.join('_').toUpperCase(),
  };
  return text.replace(/\{\{(version:)?([^}]+)\}\}/g, (_match, version, key) => {
    const value = version ? runtimeVersion(key) : values[key];
    if (value === undefined) throw new Error(`template placeholder {{${version ?? ''}${key}}} has no value`);
    return value;
  });
}

/** The generated worker uses the versions the runtime already pins, so no second copy is installed. */
function runtimeVersion(pkg) {
  const manifest = JSON.parse(readFileSync(join(root, 'packages/runtime/package.json'), 'utf8'));
  return manifest.dependencies[pkg];
}

function install() {
  console.log('linking the new workspace package: pnpm install');
  const result = spawnSync('pnpm', ['install'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('pnpm install failed; run it again once the cause is fixed');
}

function printNextSteps({ name, install: installed }) {
  const env = name.replaceAll('-', '_').toUpperCase();
  const steps = [
    ...(installed ? [] : ['pnpm install   (links the new package; skipped by --no-install)']),
    `apps/worker-${name}/src/handler.ts: render and send where it says SEND HERE`,
    `apps/worker-${name}/src/env.ts: add the settings it sends with (${env}_DRY_RUN=true sends nothing)`,
    `REDIS_URL=redis://127.0.0.1:6379 pnpm vitest run apps/worker-${name}`,
    `routing: edit its catalog entry, or set ROUTE_${env}=type1,type2 | * | none for the router`,
    `docker-compose.yml: add a worker-${name} service`,
  ];
  console.log(`\nnext steps (docs/adding-a-worker.md):\n${steps.map((step, i) => `  ${i + 1}. ${step}`).join('\n')}`);
}
