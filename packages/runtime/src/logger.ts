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

/** JSON lines for machines; `pretty` (pino-pretty, for `pnpm start` in a terminal) for people. */
export function createLogger(name: string, level: string, format: LogFormat = 'json', options: LoggerOptions = {}): Logger {
  const transport =
    format === 'pretty'
      ? { target: 'pino-pretty', options: { colorize: true, singleLine: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,name' } }
      : undefined;
  return pino({ name, level, redact: { paths: redact, censor: '[redacted]' }, ...(transport && { transport }), ...options });
}
