import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { FetchFunction } from '@slack/web-api';

type FetchResponse = Awaited<ReturnType<FetchFunction>>;
type FetchHeaders = FetchResponse['headers'];

function headersOf(raw: IncomingHttpHeaders): FetchHeaders {
  const entries = Object.entries(raw).flatMap(([name, value]): [string, string][] =>
    value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]],
  );
  const map = new Map(entries);
  return { get: (name) => map.get(name.toLowerCase()) ?? null, entries: () => map.entries() };
}

function responseOf(url: string, status: number, statusText: string, headers: FetchHeaders, body: Buffer): FetchResponse {
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText,
    url,
    headers,
    arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
    text: async () => body.toString('utf8'),
    json: async () => JSON.parse(body.toString('utf8')) as unknown,
  };
}

/**
 * The WebClient's `fetch`, over node:http(s) with keep-alive agents. The global fetch (undici) took about 1.7×
 * the CPU per chat.postMessage here, the largest single cost of a Slack job. It does what the WebClient asks of
 * fetch for the methods this worker calls: a string body (url-encoded), headers, an AbortSignal (its timeout),
 * and no redirect followed (a 3xx comes back as that status). Anything else (file uploads) goes to global fetch.
 */
export function keepAliveFetch(): FetchFunction {
  const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };
  return (input, init = {}) => {
    if (init.body !== undefined && typeof init.body !== 'string') return fetch(input, init);
    const url = new URL(input);
    const secure = url.protocol === 'https:';
    const request = secure ? httpsRequest : httpRequest;
    return new Promise<FetchResponse>((resolve, reject) => {
      const req = request(
        url,
        { method: init.method ?? 'GET', headers: init.headers, agent: secure ? agents['https:'] : agents['http:'], signal: init.signal },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.once('error', reject);
          res.once('end', () =>
            resolve(responseOf(url.href, res.statusCode ?? 0, res.statusMessage ?? '', headersOf(res.headers), Buffer.concat(chunks))),
          );
        },
      );
      req.once('error', reject);
      req.end(init.body);
    });
  };
}
