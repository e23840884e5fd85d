import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The container files live at the repository root; their check is scripts/check-containers.mjs, run here as CI runs it.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'hh-containers-'));

/** Runs the check script as CI does; resolves with its exit status and stdout lines (it never rejects). */
function check(...args: string[]): Promise<{ status: number; lines: string[]; stderr: string }> {
  return new Promise((resolve) => {
    const script = ['scripts/check-containers.mjs', ...args];
    execFile(process.execPath, script, { cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ status, lines: stdout.trimEnd().split('\n'), stderr });
    });
  });
}

function variant(name: string, file: string, edit: (text: string) => string): string {
  const target = path.join(scratch, name);
  const original = readFileSync(path.join(root, file), 'utf8');
  const changed = edit(original);
  expect(changed).not.toBe(original);
  writeFileSync(target, changed);
  return target;
}

// Each case spawns the script and waits on it, so they run side by side.
describe.concurrent('container files (scripts/check-containers.mjs)', { timeout: 120_000 }, () => {
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('pass the check, saying how the compose file was validated', async ({ expect }) => {
    const { status, lines, stderr } = await check();
    expect(stderr).toBe('');
    expect(lines[0]).toMatch(/^compose: (validated with docker-compose config -q|docker-compose not found; validated by parsing the YAML)/);
    expect(lines.at(-1)).toBe('check-containers: ok');
    expect(status).toBe(0);
  });

  it('pass the structural check of the parsed YAML when no docker-compose binary is there', async ({ expect }) => {
    const { status, lines } = await check('--compose-tool', path.join(scratch, 'no-docker-compose'));
    expect(lines[0]).toMatch(/not found; validated by parsing the YAML \(yaml package\) and checking its structure$/);
    expect(lines.at(-1)).toBe('check-containers: ok');
    expect(status).toBe(0);
  });

  it('fail when the image CMD is not the command pnpm start and the chaos test run', async ({ expect }) => {
    const dockerfile = variant('Dockerfile', 'Dockerfile', (text) =>
      text.replace('CMD ["node", "dist/main.js"]', 'CMD ["node", "src/main.ts"]'),
    );
    const { status, lines } = await check('--dockerfile', dockerfile);
    expect(status).toBe(1);
    expect(lines).toContain(
      'FAIL Dockerfile CMD for board runs node apps/board/src/main.ts, but pnpm start and the chaos test run node apps/board/dist/main.js',
    );
  });

  it('fail when the runtime stage runs as root', async ({ expect }) => {
    const dockerfile = variant('Dockerfile.root', 'Dockerfile', (text) => text.replace('USER node', 'USER root'));
    expect((await check('--dockerfile', dockerfile)).lines).toContain('FAIL Dockerfile runtime stage: USER node');
  });

  it('fail when Redis would acknowledge writes it has not synced, or an app has no service', async ({ expect }) => {
    const compose = variant('docker-compose.yml', 'docker-compose.yml', (text) =>
      text
        .replace('${REDIS_APPENDFSYNC:-always}', '${REDIS_APPENDFSYNC:-everysec}')
        .replace(/\n {2}board:\n[\s\S]*?\n\n/, '\n\n'),
    );
    for (const tool of ['docker-compose', path.join(scratch, 'no-docker-compose')]) {
      const { status, lines } = await check('--compose', compose, '--compose-tool', tool);
      expect(status).toBe(1);
      expect(lines).toEqual(
        expect.arrayContaining(['FAIL compose: redis --appendfsync always by default', 'FAIL compose: a service for board']),
      );
    }
  });
});
