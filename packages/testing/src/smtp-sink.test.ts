import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { rawHeader, startSmtpSink } from './smtp-sink';

const MESSAGE = [
  'From: a@example.com',
  'To: b@example.com',
  'Subject: hello',
  'x-herohooks-delivery: dlv-1',
  'X-Folded: first',
  ' second',
  '',
  'X-Herohooks-Delivery: in the body',
  '',
].join('\r\n');

/** One message over a plain SMTP conversation, each command sent once the previous one is answered. */
async function send(port: number, message: string): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  const replies: string[] = [];
  let pending = '';
  let wake = () => {};
  socket.on('data', (chunk: string) => {
    pending += chunk;
    // A reply ends with a line whose code is followed by a space (earlier lines of a multi-line one have "-").
    for (let end = pending.search(/^\d{3} .*\r\n/m); end !== -1; end = pending.search(/^\d{3} .*\r\n/m)) {
      const stop = pending.indexOf('\r\n', end) + 2;
      replies.push(pending.slice(0, stop));
      pending = pending.slice(stop);
    }
    wake();
  });
  const reply = async (code: string) => {
    while (replies.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    expect(replies.shift()).toMatch(new RegExp(`^${code}`, 'm'));
  };
  await reply('220');
  for (const [command, code] of [
    ['EHLO test', '250'],
    ['MAIL FROM:<a@example.com>', '250'],
    ['RCPT TO:<b@example.com>', '250'],
    ['DATA', '354'],
    [`${message}.`, '250'],
    ['QUIT', '221'],
  ]) {
    socket.write(`${command}\r\n`);
    await reply(code!);
  }
  socket.end();
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe('rawHeader', () => {
  it('reads a header of the header section by any case of its name, unfolded', () => {
    expect(rawHeader(MESSAGE, 'X-Herohooks-Delivery')).toBe('dlv-1');
    expect(rawHeader(MESSAGE, 'x-folded')).toBe('first second');
    expect(rawHeader(MESSAGE, 'From')).toBe('a@example.com');
  });

  it('is undefined for a header that is absent, also when a body line looks like it', () => {
    expect(rawHeader(MESSAGE, 'Cc')).toBeUndefined();
    expect(rawHeader('Subject: x\r\n\r\nCc: c@example.com\r\n', 'Cc')).toBeUndefined();
  });
});

describe('SMTP sink', () => {
  it('parses every message by default, and rawHeader reads its raw form as the parser does', async () => {
    const sink = await startSmtpSink();
    stop = () => sink.stop();
    const before = Date.now();
    await send(sink.port, MESSAGE);
    const [mail] = sink.messages;
    expect(mail?.parsed.subject).toBe('hello');
    expect(rawHeader(mail!.raw, 'X-Herohooks-Delivery')).toBe(mail?.parsed.headers.get('x-herohooks-delivery'));
    expect(mail?.at).toBeGreaterThanOrEqual(before);
  });

  it('with parse: false keeps each message raw, with its envelope and arrival time', async () => {
    const sink = await startSmtpSink({ parse: false });
    stop = () => sink.stop();
    const before = Date.now();
    await send(sink.port, MESSAGE);
    expect(sink.messages).toEqual([
      {
        envelope: { from: 'a@example.com', to: ['b@example.com'] },
        raw: MESSAGE,
        secure: false,
        user: undefined,
        at: expect.any(Number),
      },
    ]);
    expect(sink.messages[0]!.at).toBeGreaterThanOrEqual(before);
    expect(rawHeader(sink.messages[0]!.raw, 'X-Herohooks-Delivery')).toBe('dlv-1');
  });
});
