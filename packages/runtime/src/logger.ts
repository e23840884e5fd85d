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

export function createLogger(name: string, level: string, options: LoggerOptions = {}): Logger {
  return pino({ name, level, redact: { paths: redact, censor: '[redacted]' }, ...options });
}
