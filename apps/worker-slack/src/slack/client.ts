import { STATUS_CODES } from 'node:http';
import { LogLevel, WebClient, type FetchFunction } from '@slack/web-api';
import { Agent, request, type Dispatcher } from 'undici';

/**
 * The WebClient's `fetch`, over undici's request API with one keep-alive Agent. The global fetch (undici's
 * fetch layer on top of the same client) took about 1.6× the CPU per chat.postMessage here, the largest single
 * cost of a Slack job. The body is read at once so that a connection is freed even when the WebClient does not
 * read it (a 429); redirects are not followed (a 3xx comes back as that status). A FormData body (file
 * uploads, which this worker does not make) goes to the global fetch.
 */
export function undiciFetch(): FetchFunction {
  const dispatcher = new Agent();
  return async (url, init = {}) => {
    const { method = 'GET', headers, body, signal } = init;
    if (body !== undefined && typeof body !== 'string') return fetch(url, init); // file uploads: multipart
    const answer = await request(url, { method: method as Dispatcher.HttpMethod, headers, body, signal, dispatcher });
    const bytes = await answer.body.arrayBuffer();
    const text = () => Buffer.from(bytes).toString('utf8');
    const status = answer.statusCode;
    return {
      ok: status >= 200 && status < 300,
      status,
      statusText: STATUS_CODES[status] ?? '',
      url: String(url),
      headers: new Headers(
        Object.entries(answer.headers).flatMap(([name, value]) => [value ?? []].flat().map((one) => [name, one])),
      ),
      arrayBuffer: async () => bytes,
      text: async () => text(),
      json: async () => JSON.parse(text()) as unknown,
    };
  };
}

/**
 * A WebClient that never waits on its own: a 429 is rejected at once (the queue pauses for Retry-After instead
 * of the client holding a worker slot for up to half an hour) and failures are not retried here (the queue
 * retries with backoff and dead-letters).
 */
export function createSlackClient(token: string | undefined, apiUrl: string): WebClient {
  return new WebClient(token, {
    slackApiUrl: apiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 10_000,
    fetch: undiciFetch(),
    // Slack takes JSON for its write methods. Form-encoding a message's blocks (JSON text, escaped once more) was
    // about half the client's CPU per call, and made the body 1.6× larger (patches/@slack__web-api@8.2.0.patch).
    jsonBodyMethods: ['chat.postMessage'],
    // Failures are classified and logged by the worker; the client's own console lines would repeat them.
    logLevel: LogLevel.ERROR,
  });
}
