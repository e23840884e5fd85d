import { PermanentError, RateLimitError } from '@herohooks/worker-kit';
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { classifySlackError } from './classify';

describe('classifySlackError', () => {
  it.each(['invalid_auth', 'account_inactive', 'channel_not_found', 'not_in_channel', 'is_archived', 'msg_too_long', 'invalid_blocks'])(
    'dead-letters the platform error %s with the Slack code as reason',
    (code) => {
      const classified = classifySlackError(new WebAPIPlatformError({ ok: false, error: code }));
      expect(classified).toBeInstanceOf(PermanentError);
      expect((classified as PermanentError).reason).toBe(code);
    },
  );

  it("retries Slack's own transient platform errors", () => {
    const error = new WebAPIPlatformError({ ok: false, error: 'internal_error' });
    expect(classifySlackError(error)).toBe(error);
  });

  it('turns a 429 into a queue pause of Retry-After seconds', () => {
    const classified = classifySlackError(new WebAPIRateLimitedError(7));
    expect(classified).toBeInstanceOf(RateLimitError);
    expect((classified as RateLimitError).delayMs).toBe(7_000);
  });

  it('retries 5xx answers and network failures', () => {
    const http = new WebAPIHTTPError(503, 'Service Unavailable', {});
    const network = new WebAPIRequestError(new Error('connect ECONNREFUSED'));
    expect(classifySlackError(http)).toBe(http);
    expect(classifySlackError(network)).toBe(network);
  });

  it('dead-letters other HTTP statuses (a wrong SLACK_API_URL stays wrong)', () => {
    const classified = classifySlackError(new WebAPIHTTPError(404, 'Not Found', {}));
    expect((classified as PermanentError).reason).toBe('http_404');
  });

  it('passes errors that are not from the Slack client through for a retry', () => {
    const error = new Error('something else');
    expect(classifySlackError(error)).toBe(error);
  });
});
