import { asError, PermanentError, RateLimitError } from '@herohooks/worker-kit';
import { ErrorCode, type WebAPICallError } from '@slack/web-api';

// Platform errors (HTTP 200, ok:false) describe the request: a wrong token, channel or payload does not get
// better by retrying, so they dead-letter at once with the Slack code as the reason. These few are Slack's
// own transient failures and are retried.
const transientPlatformErrors = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
  'team_added_to_org',
]);

function isWebApiError(error: unknown): error is WebAPICallError {
  if (!(error instanceof Error) || !('code' in error)) return false;
  const code: unknown = error.code;
  return (
    code === ErrorCode.PlatformError ||
    code === ErrorCode.RateLimitedError ||
    code === ErrorCode.HTTPError ||
    code === ErrorCode.RequestError
  );
}

/**
 * What the worker kit should do with a failed chat.postMessage: a PermanentError (dead letter, reason kept), a
 * RateLimitError (pause for Retry-After), or the error itself (retry with backoff).
 */
export function classifySlackError(error: unknown): Error {
  if (!isWebApiError(error)) return asError(error);
  switch (error.code) {
    case ErrorCode.PlatformError: {
      const reason = error.data.error;
      if (transientPlatformErrors.has(reason)) return error;
      return new PermanentError(`Slack refused the message: ${reason}`, { reason, cause: error });
    }
    case ErrorCode.RateLimitedError:
      // Retry-After is in seconds; 0 or a missing value still waits a second.
      return new RateLimitError('Slack rate limit', Math.max(error.retryAfter, 1) * 1_000);
    case ErrorCode.HTTPError:
      // 5xx and 408 are Slack having trouble; any other status means this request will never be accepted.
      if (error.statusCode >= 500 || error.statusCode === 408) return error;
      return new PermanentError(`Slack answered HTTP ${error.statusCode}`, {
        reason: `http_${error.statusCode}`,
        cause: error,
      });
    case ErrorCode.RequestError:
      return error;
  }
}
