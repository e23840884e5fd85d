import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonLinesDestination } from './logger';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** sonic-boom's default largest write, which jsonLinesDestination keeps. */
const MAX_WRITE = 16 * 1_024;

function destinationInTempFile() {
  const dir = mkdtempSync(join(tmpdir(), 'hh-log-'));
  dirs.push(dir);
  const path = join(dir, 'out.log');
  const destination = jsonLinesDestination(path);
  // A path is opened asynchronously; 'ready' comes once it is open.
  const ready = new Promise((resolve) => destination.once('ready', resolve));
  return { path, destination, ready };
}

async function end(destination: ReturnType<typeof jsonLinesDestination>): Promise<void> {
  const closed = new Promise((resolve) => destination.once('close', resolve));
  destination.end();
  await closed;
}

describe('jsonLinesDestination (sonic-boom, patched)', () => {
  // Unpatched, sonic-boom measured the whole pending chunk (up to 8 KB) again for every line it buffered.
  it('measures each buffered line once, not the whole pending chunk again', async () => {
    const { destination, ready } = destinationInTempFile();
    await ready;
    const line = `${JSON.stringify({ level: 30, msg: 'request completed', deliveryId: 'x'.repeat(36) })}\n`;
    let measured = 0;
    const byteLength = Buffer.byteLength;
    vi.spyOn(Buffer, 'byteLength').mockImplementation((value, encoding) => {
      if (typeof value === 'string') measured += value.length;
      return byteLength(value, encoding);
    });
    const lines = 2_000;
    try {
      for (let i = 0; i < lines; i++) destination.write(line);
      vi.restoreAllMocks();
      expect(measured).toBeLessThan(2 * lines * line.length);
    } finally {
      await end(destination);
    }
  });

  it('writes every line whole and in order, multi-byte characters included, in chunks of at most 16 KB', async () => {
    const { path, destination, ready } = destinationInTempFile();
    await ready;
    const written: number[] = [];
    destination.on('write', (bytes: number) => written.push(bytes));
    const line = (i: number) => `${JSON.stringify({ i, text: `é€😀 ${'ü'.repeat(i % 50)}` })}\n`;
    const lines = Array.from({ length: 3_000 }, (_, i) => line(i));
    try {
      for (const line of lines) destination.write(line);
    } finally {
      await end(destination);
    }
    expect(readFileSync(path, 'utf8')).toBe(lines.join(''));
    // Buffered: lines go out together, each write at most 16 KB.
    expect(written.length).toBeLessThan(lines.length / 50);
    expect(Math.max(...written)).toBeLessThanOrEqual(MAX_WRITE);
  });
});
