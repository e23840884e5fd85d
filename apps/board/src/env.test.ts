import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EnvError, parseEnv } from '@herohooks/runtime';
import { describe, expect, it } from 'vitest';
import { BoardEnv } from './env';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const goodPassword = 'twelve chars!';

describe('board environment', () => {
  it('defaults the port to 3001', () => {
    const env = parseEnv(BoardEnv, { BOARD_USERNAME: 'operator', BOARD_PASSWORD: goodPassword });
    expect(env.BOARD_PORT).toBe(3001);
  });

  it.each([
    ['no credentials', {}, /BOARD_USERNAME.*BOARD_PASSWORD|BOARD_PASSWORD.*BOARD_USERNAME/],
    ['no password', { BOARD_USERNAME: 'operator' }, /BOARD_PASSWORD/],
    ['an 11-character password', { BOARD_USERNAME: 'operator', BOARD_PASSWORD: 'elevenchars' }, /BOARD_PASSWORD/],
  ])('refuses %s', (_label, source, problem) => {
    expect(() => parseEnv(BoardEnv, source)).toThrow(EnvError);
    expect(() => parseEnv(BoardEnv, source)).toThrow(problem);
  });

  it('stops the process with exit 1 and one line that does not echo the short password', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', main], {
      env: { PATH: process.env.PATH, BOARD_USERNAME: 'operator', BOARD_PASSWORD: 'short-pw-99' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/BOARD_PASSWORD/);
    expect(run.stderr).not.toContain('short-pw-99');
  });
});
