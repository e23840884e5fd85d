// Checks the container files without a Docker engine (none runs on the build machines):
// - Dockerfile: linted by dockerfile-utils, then the rules we hold (stages, pnpm deploy, USER node, NODE_ENV,
//   HEALTHCHECK run for real against a local /healthz, CMD = the command `pnpm start` and the chaos test run);
// - .dockerignore keeps installs, build output and secrets out of the build context;
// - docker-compose.yml: `docker-compose config -q` when the binary is there, and always a structural check of the
//   parsed YAML (services, healthchecks, depends_on, Redis persistence);
// - .env.example lists every variable an env schema declares and every variable the compose file interpolates.
// Usage: node scripts/check-containers.mjs [--dockerfile FILE] [--compose FILE] [--compose-tool BIN]
// (exit 0 ok, 1 failed; the first line says how the compose file was validated)
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { parse as parseYaml } from 'yaml';
import { apps, commandOf } from './apps.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: files } = parseArgs({
  options: {
    dockerfile: { type: 'string', default: path.join(root, 'Dockerfile') },
    compose: { type: 'string', default: path.join(root, 'docker-compose.yml') },
    'compose-tool': { type: 'string', default: 'docker-compose' },
  },
});
const BASE_IMAGE = 'node:20-bookworm-slim';
/** The variable holding the port each app serves /healthz on (router and workers: their probe listener). */
const healthPortVariable = (name) => ({ ingress: 'PORT', board: 'BOARD_PORT' })[name] ?? 'METRICS_PORT';

const failures = [];
const notes = [];
const expect = (ok, message) => {
  if (!ok) failures.push(message);
};
const read = (file) => readFileSync(file, 'utf8');

// ---------------------------------------------------------------------------------------------- Dockerfile
function stagesOf(dockerfile) {
  const stages = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') stages.push({ from: instruction, instructions: [] });
    else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

const ofKind = (stage, keyword) => stage.instructions.filter((i) => i.getKeyword() === keyword);
const envOf = (stage) =>
  Object.fromEntries(ofKind(stage, 'ENV').flatMap((env) => env.getProperties().map((p) => [p.getName(), p.getValue()])));
const jsonArgs = (instruction) => JSON.parse(instruction.getArgumentsContent());

async function checkDockerfile(file) {
  const text = read(file);
  for (const problem of validate(text)) {
    expect(false, `Dockerfile:${problem.range.start.line + 1}: ${problem.message}`);
  }
  const stages = stagesOf(DockerfileParser.parse(text));
  expect(stages.length >= 2, 'Dockerfile: a build stage and a runtime stage');
  for (const stage of stages) expect(stage.from.getImage() === BASE_IMAGE, `Dockerfile: every stage FROM ${BASE_IMAGE}`);
  const build = stages[0];
  const runtime = stages.at(-1);
  if (!build || !runtime || build === runtime) return;

  const runs = ofKind(build, 'RUN').map((run) => run.getArgumentsContent());
  const buildSteps = [
    [/\bnpm i(nstall)? -g pnpm@10\b/, 'installs pnpm@10 with npm'],
    [/\bpnpm install\b.*--frozen-lockfile/, 'pnpm install --frozen-lockfile'],
    [/\bpnpm --filter "?@herohooks\/\$\{?APP\}?"? build\b/, 'builds the app chosen by ARG APP'],
    [/\bpnpm --filter "?@herohooks\/\$\{?APP\}?"? deploy --prod --legacy \/out\b/, 'pnpm deploy --prod --legacy /out'],
  ];
  for (const [pattern, what] of buildSteps) expect(runs.some((run) => pattern.test(run)), `Dockerfile build stage: ${what}`);

  const buildName = build.from.getBuildStage();
  const copies = ofKind(runtime, 'COPY');
  const fromBuild = (copy) => copy.getFlags().some((f) => f.getName() === 'from' && f.getValue() === buildName);
  expect(
    copies.some((copy) => fromBuild(copy) && /^\/out\/?$/.test(copy.getArguments()[0]?.getValue() ?? '')),
    'Dockerfile runtime stage: copies /out from the build stage',
  );
  const users = ofKind(runtime, 'USER');
  expect(users.at(-1)?.getArgumentsContent() === 'node', 'Dockerfile runtime stage: USER node');
  const env = envOf(runtime);
  expect(env.NODE_ENV === 'production', 'Dockerfile runtime stage: ENV NODE_ENV=production');
  expect(env.METRICS_PORT === '9100', 'Dockerfile runtime stage: workers get METRICS_PORT=9100');

  const [cmd] = ofKind(runtime, 'CMD');
  const workdir = ofKind(runtime, 'WORKDIR').at(-1)?.getArgumentsContent();
  let command = [];
  try {
    command = jsonArgs(cmd);
  } catch {
    expect(false, 'Dockerfile: CMD in exec (JSON array) form, so SIGTERM reaches node');
  }
  expect(ofKind(runtime, 'CMD').length === 1, 'Dockerfile runtime stage: exactly one CMD');
  expect(typeof workdir === 'string', 'Dockerfile runtime stage: a WORKDIR the deployed app is copied into');
  for (const app of apps) {
    // WORKDIR holds apps/<APP> as deployed, so a path relative to it is that path under apps/<APP> in the repo.
    const inRepo = command.map((arg, i) => (i === 0 ? arg : path.posix.join('apps', app.name, arg)));
    expect(
      JSON.stringify(inRepo) === JSON.stringify(commandOf(app.name)),
      `Dockerfile CMD for ${app.name} runs ${inRepo.join(' ')}, but pnpm start and the chaos test run ${commandOf(app.name).join(' ')}`,
    );
    const manifest = JSON.parse(read(path.join(root, 'apps', app.name, 'package.json')));
    expect(manifest.name === `@herohooks/${app.name}`, `apps/${app.name}/package.json is named @herohooks/${app.name}`);
    expect(/tsup\.app\.config\.ts/.test(manifest.scripts?.build ?? ''), `apps/${app.name} builds with tsup.app.config.ts`);
  }
  const tsup = read(path.join(root, 'tsup.app.config.ts'));
  expect(/entry:\s*\['src\/main\.ts'\]/.test(tsup) && /outDir:\s*'dist'/.test(tsup), 'tsup.app.config.ts bundles src/main.ts to dist/main.js');

  const [healthcheck] = ofKind(runtime, 'HEALTHCHECK');
  expect(Boolean(healthcheck), 'Dockerfile runtime stage: a HEALTHCHECK');
  if (healthcheck) await checkHealthcheck(healthcheck, { ...env, APP: undefined });
}

/** Listens on 127.0.0.1 answering /healthz with `status`; resolves to { port, close }. */
async function healthzServer(status) {
  const server = createServer((req, res) => res.writeHead(req.url === '/healthz' ? status : 404).end());
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: String(server.address().port), close: () => server.close() };
}

/**
 * Runs the image's HEALTHCHECK command for every app against a real local /healthz on the port variable that app
 * listens on (the other port variables lead nowhere): a 200 passes, a 503 fails.
 */
async function checkHealthcheck(healthcheck, imageEnv) {
  const argv = JSON.parse(healthcheck.getArgumentsContent().replace(/^CMD\s+/, ''));
  const [up, down] = await Promise.all([healthzServer(200), healthzServer(503)]);
  const nowhere = await closedPort();
  const run = (app, port) =>
    new Promise((resolve) => {
      const ports = Object.fromEntries(['PORT', 'BOARD_PORT', 'METRICS_PORT'].map((name) => [name, nowhere]));
      const own = { APP: app.name, [healthPortVariable(app.name)]: port, PATH: process.env.PATH };
      const env = { ...imageEnv, ...ports, ...own };
      const child = spawn(argv[0] === 'node' ? process.execPath : argv[0], argv.slice(1), { env, stdio: 'ignore' });
      const timer = setTimeout(() => child.kill(), 10_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  try {
    const [codes, downCode] = await Promise.all([
      Promise.all(apps.map((app) => run(app, up.port))),
      run(apps[0], down.port),
    ]);
    apps.forEach((app, i) =>
      expect(codes[i] === 0, `HEALTHCHECK for ${app.name}: passes when /healthz on ${healthPortVariable(app.name)} answers 200`),
    );
    expect(downCode !== 0, 'HEALTHCHECK: fails when /healthz answers 503');
  } finally {
    up.close();
    down.close();
  }
}

async function closedPort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return String(port);
}

// ------------------------------------------------------------------------------------------- .dockerignore
function checkDockerignore() {
  const patterns = read(path.join(root, '.dockerignore'))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  for (const needed of ['**/node_modules', '**/dist', '.git', '.env']) {
    expect(patterns.includes(needed), `.dockerignore: ${needed}`);
  }
}

// ---------------------------------------------------------------------------------------- docker-compose.yml
function composeWithEngineTool(composeFile) {
  const tool = files['compose-tool'];
  const version = spawnSync(tool, ['version', '--short'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    notes.push(`compose: ${tool} not found; validated by parsing the YAML (yaml package) and checking its structure`);
    return;
  }
  // `env_file: .env` must exist for `config`: a scratch project directory gets .env.example as its .env.
  const project = mkdtempSync(path.join(tmpdir(), 'hh-compose-'));
  try {
    copyFileSync(path.join(root, '.env.example'), path.join(project, '.env'));
    const config = spawnSync(tool, ['--project-directory', project, '-f', composeFile, 'config', '-q'], {
      encoding: 'utf8',
    });
    expect(config.status === 0, `docker-compose config -q: ${config.stderr.trim()}`);
    notes.push(`compose: validated with docker-compose config -q (docker-compose ${version.stdout.trim()}) and a structural check`);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

/** "${NAME:-default}" → default; a literal stays as it is. */
const withDefaults = (value) => String(value).replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');

function checkComposeStructure(text) {
  const compose = parseYaml(text, { merge: true });
  const services = compose?.services ?? {};
  const healthy = (name) => Boolean(services[name]?.healthcheck?.test);

  const redis = services.redis;
  expect(/^redis:7(\b|$)/.test(redis?.image ?? ''), 'compose: redis service on image redis:7');
  const redisArgs = (Array.isArray(redis?.command) ? redis.command : String(redis?.command ?? '').split(/\s+/)).map(withDefaults);
  const flag = (name) => redisArgs[redisArgs.indexOf(`--${name}`) + 1];
  expect(flag('appendonly') === 'yes', 'compose: redis --appendonly yes');
  expect(flag('appendfsync') === 'always', 'compose: redis --appendfsync always by default');
  expect(flag('maxmemory-policy') === 'noeviction', 'compose: redis --maxmemory-policy noeviction');
  expect((redis?.volumes ?? []).some((v) => /:\/data(:|$)/.test(String(v))), 'compose: redis keeps /data on a volume');
  expect(healthy('redis'), 'compose: redis healthcheck');

  const postgres = services.postgres;
  expect(/^postgres:16(\b|$)/.test(postgres?.image ?? ''), 'compose: postgres service on image postgres:16');
  expect((postgres?.volumes ?? []).some((v) => String(v).includes('/var/lib/postgresql/data')), 'compose: postgres data on a volume');
  expect(healthy('postgres'), 'compose: postgres healthcheck');

  for (const app of apps) {
    const service = services[app.name];
    expect(Boolean(service), `compose: a service for ${app.name}`);
    if (!service) continue;
    expect(service.build?.args?.APP === app.name, `compose: ${app.name} builds the Dockerfile with APP=${app.name}`);
    const dockerfile = path.resolve(root, service.build?.context ?? '.', service.build?.dockerfile ?? 'Dockerfile');
    expect(existsSync(dockerfile), `compose: ${app.name} builds from a Dockerfile in the repository`);
    expect([service.env_file].flat().includes('.env'), `compose: ${app.name} reads env_file .env`);
    expect(Boolean(service.restart), `compose: ${app.name} has a restart policy`);
    expect(/^redis:\/\/redis:6379/.test(service.environment?.REDIS_URL ?? ''), `compose: ${app.name} uses the redis service`);
    const dependsOn = service.depends_on ?? {};
    expect(dependsOn.redis?.condition === 'service_healthy', `compose: ${app.name} waits for a healthy redis`);
    for (const [dependency, { condition }] of Object.entries(dependsOn)) {
      expect(condition === 'service_healthy' && healthy(dependency), `compose: ${app.name} waits for a healthy ${dependency}`);
    }
  }
  expect(services['worker-ledger']?.depends_on?.postgres?.condition === 'service_healthy', 'compose: worker-ledger waits for postgres');
  expect(/@postgres:5432\//.test(services['worker-ledger']?.environment?.DATABASE_URL ?? ''), 'compose: worker-ledger uses the postgres service');
  const publishes = (name, port) => (services[name]?.ports ?? []).some((p) => String(p).endsWith(`:${port}`));
  expect(publishes('ingress', 3000), 'compose: ingress published on 3000');
  expect(publishes('board', 3001), 'compose: board published on 3001');
}

// ------------------------------------------------------------------------------------------------ .env.example
// The TypeScript sources (not tests) under each app's and package's src folder.
function sourceFiles() {
  return ['apps', 'packages'].flatMap((group) =>
    readdirSync(path.join(root, group)).flatMap((name) => {
      const src = path.join(root, group, name, 'src');
      if (!existsSync(src)) return [];
      return readdirSync(src, { recursive: true })
        .map((entry) => path.join(src, entry))
        .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && statSync(file).isFile());
    }),
  );
}

function checkEnvExample(composeText) {
  const listed = new Set([...read(path.join(root, '.env.example')).matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
  const declared = new Set();
  for (const file of sourceFiles()) {
    for (const match of read(file).matchAll(/^\s+([A-Z][A-Z0-9_]{2,}):\s*(?:Type\.|Port\(|Bool\()/gm)) declared.add(match[1]);
  }
  for (const match of composeText.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)) declared.add(match[1]);
  for (const name of [...declared].sort()) expect(listed.has(name), `.env.example: lists ${name}`);
}

// -------------------------------------------------------------------------------------------------------- run
const composeText = read(files.compose);
await checkDockerfile(files.dockerfile);
checkDockerignore();
composeWithEngineTool(files.compose);
checkComposeStructure(composeText);
checkEnvExample(composeText);

for (const note of notes) console.log(note);
for (const failure of failures) console.log(`FAIL ${failure}`);
console.log(failures.length === 0 ? 'check-containers: ok' : `check-containers: ${failures.length} failed`);
process.exitCode = failures.length === 0 ? 0 : 1;
