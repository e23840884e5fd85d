import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Paths that may hold secrets or payload contents; pino replaces them before a line is written. */
const redact = [
  'req.headers.authorization',
  'req.headers["x-influencerhero-signature"]',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'payload',
  'body',
  'data.payload',
  'password',
  'secret',
  'token',
];

export type LogFormat = 'json' | 'pretty';

/**
 * JSON lines for machines; `pretty` (pino-pretty, for `pnpm start` in a terminal) for people.
 * JSON lines go to stdout in chunks of 8 KB or every 250 ms, whichever comes first: one write per line cost the
 * ingress over 10 % of its CPU under load. pino flushes what is pending when the process exits; a SIGKILL, an abort
 * or a heap out-of-memory crash can lose the last quarter second of lines. While stdout does not drain, lines past
 * 16 MB are dropped rather than held without bound. sonic-boom, the destination, is patched (docs/operations.md,
 * Logs).
 */
export function createLogger(name: string, level: string, format: LogFormat = 'json', options: LoggerOptions = {}): Logger {
  const settings: LoggerOptions = { name, level, redact: { paths: redact, censor: '[redacted]' }, ...options };
  if (format === 'pretty') {
    const prettyOptions = { colorize: true, singleLine: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,name' };
    return pino({ ...settings, transport: { target: 'pino-pretty', options: prettyOptions } });
  }
  return pino(settings, jsonLinesDestination(1));
}

/** Where JSON lines go: buffered (see createLogger), to a file descriptor or a path (tests). */
export function jsonLinesDestination(dest: number | string) {
  return pino.destination({ dest, sync: false, minLength: 8_192, maxLength: 16 * 1_048_576, periodicFlush: 250 });
}
