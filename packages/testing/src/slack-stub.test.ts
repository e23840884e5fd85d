import { afterEach, describe, expect, it } from 'vitest';
import { startSlackStub, type SlackStub, type SlackStubOptions } from './slack-stub';

let stub: SlackStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

const metadata = { event_type: 'herohooks_delivery', event_payload: { delivery_id: 'dlv-1' } };
const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }];

/** A call as @slack/web-api makes it: a form body with objects as JSON strings. */
async function call(s: SlackStub, method: string, form: Record<string, unknown>): Promise<Record<string, unknown>> {
  const fields = Object.entries(form).map(([key, value]): [string, string] => [
    key,
    typeof value === 'object' ? JSON.stringify(value) : String(value),
  ]);
  const headers = { authorization: `Bearer ${s.token}` };
  const answer = await fetch(`${s.url}${method}`, { method: 'POST', headers, body: new URLSearchParams(fields) });
  return (await answer.json()) as Record<string, unknown>;
}

async function postThenRead(options?: SlackStubOptions) {
  const s = (stub = await startSlackStub(undefined, options));
  const posted = await call(s, 'chat.postMessage', { channel: 'C1', text: 'hi', blocks, metadata });
  const history = await call(s, 'conversations.history', { channel: 'C1', include_all_metadata: true });
  return { s, posted, history };
}

describe('Slack stub history', () => {
  it('keeps every posted message whole by default', async () => {
    const { history } = await postThenRead();
    expect(history.messages).toEqual([expect.objectContaining({ text: 'hi', blocks, metadata })]);
  });

  it("with history: 'metadata' keeps what finds a post by its delivery; answers and calls are as before", async () => {
    const { s, posted, history } = await postThenRead({ history: 'metadata' });
    expect(posted).toMatchObject({ ok: true, channel: 'C1', message: { text: 'hi', blocks } });
    const [message] = history.messages as Record<string, unknown>[];
    expect(message).toMatchObject({ ts: posted.ts, metadata });
    expect(message).not.toHaveProperty('text');
    expect(message).not.toHaveProperty('blocks');
    const body = expect.objectContaining({ text: 'hi', blocks, metadata });
    expect(s.posted()).toEqual([expect.objectContaining({ at: expect.any(Number), body })]);
  });
});
