/**
 * What one call to the Influencer Hero API came to. The split that matters for additive clicks is between
 * `not_sent` (the request certainly never reached the platform) and `unknown` (it may have been booked).
 */
export type CallOutcome =
  | { kind: 'accepted'; status: number }
  | { kind: 'rate_limited'; status: 429; delayMs: number }
  | { kind: 'rejected'; status: number; message: string }
  | { kind: 'server_error'; status: number; message: string }
  | { kind: 'not_sent'; cause: string }
  | { kind: 'unknown'; cause: string };

/** Error codes raised before a request could be written: no connection, no address, untrusted certificate. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_INVALID_URL',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function codesOf(error: unknown): string[] {
  if (!(error instanceof Error)) return [];
  if (error instanceof AggregateError) return error.errors.flatMap(codesOf);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? [code] : codesOf(error.cause);
}

/**
 * Classifies a fetch rejection by error code, never by message. Anything not known to happen before the request
 * went out — a timeout (ours fires in any phase), a reset, a socket closed mid-answer — is `unknown`.
 */
export function networkOutcome(error: unknown): CallOutcome {
  const codes = codesOf(error);
  const cause = codes.join(',') || (error instanceof Error ? error.name : 'unknown_error');
  return codes.length > 0 && codes.every((code) => NOT_SENT_CODES.has(code))
    ? { kind: 'not_sent', cause }
    : { kind: 'unknown', cause };
}

/** The platform's error text: `error_message`, else `message`, else the status. */
export function platformMessage(text: string, status: number): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') {
      const { error_message: errorMessage, message } = parsed as Record<string, unknown>;
      if (typeof errorMessage === 'string' && errorMessage) return errorMessage;
      if (typeof message === 'string' && message) return message;
    }
  } catch {
    // not JSON: fall through to the status
  }
  return `HTTP ${status}`;
}
