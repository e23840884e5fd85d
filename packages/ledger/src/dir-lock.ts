import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class LedgerDirectoryBusyError extends Error {
  override readonly name = 'LedgerDirectoryBusyError';
}

const LOCK_FILE = 'herohooks-ledger.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims a PGlite directory for this process (two PGlite instances on one directory corrupt it).
 * A lock left by a process that no longer runs is taken over. Returns the release function.
 */
export async function lockDirectory(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx' });
      return () => unlink(path).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(path, 'utf8').catch(() => ''));
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new LedgerDirectoryBusyError(
          `the ledger directory ${dir} is in use by process ${holder}; stop it or set DATABASE_URL to share PostgreSQL`,
        );
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw new LedgerDirectoryBusyError(`could not lock the ledger directory ${dir}`);
}
