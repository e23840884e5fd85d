import { asError, PermanentError } from '@herohooks/worker-kit';
import { oneLine } from './render/safe';

/** A failed SMTP exchange that may succeed later (4xx reply, connection refused or dropped, timeout). */
export class SmtpError extends Error {
  override readonly name = 'SmtpError';

  constructor(
    message: string,
    readonly code: string | undefined,
    readonly responseCode: number | undefined,
    readonly command: string | undefined,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** A permanent refusal of one message, by the command refused: the sender, a recipient, or (DATA) the content. */
export class SmtpRefusal extends PermanentError {
  override readonly name = 'SmtpRefusal';

  constructor(
    message: string,
    readonly command: string,
    options: { reason: string; cause: unknown },
  ) {
    super(message, options);
  }
}

/** Commands whose 5xx reply refuses this message for good: the sender, every recipient, or the content. */
const MESSAGE_COMMANDS = new Set(['MAIL FROM', 'RCPT TO', 'DATA']);

// 503 (bad sequence of commands) is the one 5xx reply about the session rather than the message; the same
// message can go through on a new connection (RFC 5321 §4.2.4), so it is retried.
function isPermanentReply(responseCode: number): boolean {
  return responseCode >= 500 && responseCode < 600 && responseCode !== 503;
}

/**
 * Turns what nodemailer rejected with into the kit's vocabulary, by its `code`, `responseCode` and `command`
 * fields (never its message): a permanent refusal → SmtpRefusal, a PermanentError (reason "smtp_550") → dead letter;
 * anything else → SmtpError, retried with backoff. When every recipient was refused, nodemailer reports a 4xx
 * reply if any recipient got one, so a mix of deferred and refused recipients is retried.
 */
export function classifySmtpError(error: unknown): Error {
  if (typeof error !== 'object' || error === null) return new Error(String(error));
  const fields = error as Record<string, unknown>;
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  const responseCode = typeof fields.responseCode === 'number' ? fields.responseCode : undefined;
  const command = typeof fields.command === 'string' ? fields.command : undefined;
  if (code === undefined && responseCode === undefined) return asError(error);
  const response = typeof fields.response === 'string' ? fields.response : undefined;
  const message = `SMTP ${command ?? 'connection'} failed (${responseCode ?? code})${response ? `: ${oneLine(response)}` : ''}`;
  if (responseCode !== undefined && isPermanentReply(responseCode) && command && MESSAGE_COMMANDS.has(command)) {
    return new SmtpRefusal(message, command, { reason: `smtp_${responseCode}`, cause: error });
  }
  return new SmtpError(message, code, responseCode, command, { cause: error });
}
