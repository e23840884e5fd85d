import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

export interface Leak {
  file: string;
  line: number;
  /** Which secret (its label, never its value). */
  secret: string;
}

export interface LogScan {
  files: number;
  lines: number;
  leaks: Leak[];
}

/** Reads every line of every log file and reports each line that contains one of the secrets. */
export function scanLogsForSecrets(files: readonly string[], secrets: Readonly<Record<string, string>>): LogScan {
  const scan: LogScan = { files: files.length, lines: 0, leaks: [] };
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    lines.forEach((text, index) => {
      for (const [label, value] of Object.entries(secrets)) {
        if (text.includes(value)) scan.leaks.push({ file: basename(file), line: index + 1, secret: label });
      }
    });
    scan.lines += lines.length;
  }
  return scan;
}

/** How many log lines of a file carry this pino message (for the printed report, not for assertions). */
export function countLogMessages(file: string, msg: string): number {
  const needle = `"msg":${JSON.stringify(msg)}`;
  return readFileSync(file, 'utf8').split('\n').filter((line) => line.includes(needle)).length;
}
