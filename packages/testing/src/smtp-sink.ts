import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** One message as the server received it, unparsed. */
export interface RawMail {
  envelope: { from: string; to: string[] };
  /** The message exactly as sent (headers and MIME body), for checks that must not rely on a parser. */
  raw: string;
  /** True when the session ran over TLS (implicit, or upgraded with STARTTLS). */
  secure: boolean;
  /** The user the client authenticated as, if it did. */
  user: string | undefined;
  /** Milliseconds since the epoch when the message's data was complete (before parsing). */
  at: number;
}

/** One message as the server received it, and as mailparser reads it. */
export interface ReceivedMail extends RawMail {
  parsed: ParsedMail;
}

export interface SmtpSinkOptions {
  /** 'none' (default): plain SMTP, STARTTLS hidden; 'starttls': offered; 'implicit': TLS from the first byte (smtps). */
  tls?: 'none' | 'starttls' | 'implicit';
  /** Require AUTH with these credentials. */
  auth?: { user: string; pass: string };
}

/**
 * The value of header `name` (case-insensitive) in a raw message's header section, unfolded but not
 * MIME-decoded; undefined when the header is absent. For a sink started with `parse: false`.
 */
export function rawHeader(raw: string, name: string): string | undefined {
  const end = raw.indexOf('\r\n\r\n');
  const headers = end === -1 ? raw : raw.slice(0, end);
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // The field and the lines that continue it (they start with white space).
  const field = new RegExp(`^${escaped}:(.*(?:\r\n[ \t].*)*)`, 'im').exec(headers);
  return field?.[1]?.replace(/\r\n/g, '').trim();
}

const withParsed = async (mail: RawMail): Promise<ReceivedMail> => ({ ...mail, parsed: await simpleParser(mail.raw) });

class SmtpReply extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A real SMTP server on 127.0.0.1 that records what it receives. It can refuse recipients with a chosen reply
 * code, and it can be stopped and started again on the same port (an outage as a client sees it). Each message
 * is recorded once `read` has made a `Mail` of it (startSmtpSink: parsed, or raw with `parse: false`).
 */
export class SmtpSink<Mail extends RawMail = ReceivedMail> {
  readonly messages: Mail[] = [];
  /** Replies the sink refused with, as "RCPT TO 550" or "DATA 552", in order. */
  readonly refusals: string[] = [];
  private server: SMTPServer | undefined;
  private rcptReply: SmtpReply | undefined;
  private contentRefusal: { marker: string; reply: SmtpReply } | undefined;
  private boundPort = 0;

  constructor(
    private readonly options: SmtpSinkOptions,
    private readonly read: (mail: RawMail) => Mail | Promise<Mail>,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  /**
   * smtp:// (or smtps:// for implicit TLS) URL of this server, with the sink's credentials when auth is on
   * (or the ones given, e.g. wrong ones), and an optional query string for nodemailer ("?tls.x=y").
   */
  url({ query = '', auth = this.options.auth }: { query?: string; auth?: { user: string; pass: string } } = {}): string {
    const scheme = this.options.tls === 'implicit' ? 'smtps' : 'smtp';
    const credentials = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@` : '';
    return `${scheme}://${credentials}127.0.0.1:${this.boundPort}/${query}`;
  }

  /** Answer every RCPT TO with this code (e.g. 550 or 450) until accept() is called. */
  rejectRecipients(responseCode: number): void {
    this.rcptReply = new SmtpReply(responseCode, `Mailbox unavailable (sink told to answer ${responseCode})`);
  }

  acceptRecipients(): void {
    this.rcptReply = undefined;
  }

  /** Refuse, at the end of DATA, every message whose raw text contains `marker` (e.g. 552 for "too large"). */
  refuseMessagesContaining(marker: string, responseCode: number): void {
    const reply = new SmtpReply(responseCode, `Message refused (sink told to answer ${responseCode})`);
    this.contentRefusal = { marker, reply };
  }

  async start(): Promise<void> {
    const server = new SMTPServer(this.serverOptions());
    server.on('error', () => {}); // client resets during a test's outage are expected
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.boundPort, '127.0.0.1', () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    const address = server.server.address();
    if (address && typeof address === 'object') this.boundPort = address.port;
    this.server = server;
  }

  /** Closes the listener and every open connection at once; start() reopens the same port. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
    });
  }

  private serverOptions(): SMTPServerOptions {
    const { tls = 'none', auth } = this.options;
    return {
      secure: tls === 'implicit',
      hideSTARTTLS: tls === 'none',
      authOptional: !auth,
      allowInsecureAuth: true,
      disabledCommands: auth ? [] : ['AUTH'],
      closeTimeout: 50,
      logger: false,
      // Every client is 127.0.0.1: a DNS query per connection (up to 1.5 s before the greeting) tells nothing.
      disableReverseLookup: true,
      onAuth: (login, _session, callback) => {
        const ok = auth && login.username === auth.user && login.password === auth.pass;
        callback(ok ? null : new SmtpReply(535, 'Authentication failed'), ok ? { user: login.username } : undefined);
      },
      onRcptTo: (_address, _session, callback) => {
        if (this.rcptReply) this.refusals.push(`RCPT TO ${this.rcptReply.responseCode}`);
        callback(this.rcptReply ?? null);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const at = Date.now();
          const raw = Buffer.concat(chunks).toString('utf8');
          if (this.contentRefusal && raw.includes(this.contentRefusal.marker)) {
            this.refusals.push(`DATA ${this.contentRefusal.reply.responseCode}`);
            callback(this.contentRefusal.reply);
            return;
          }
          const mail: RawMail = {
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            raw,
            secure: session.secure,
            user: typeof session.user === 'string' ? session.user : undefined,
            at,
          };
          Promise.resolve(mail)
            .then(this.read)
            .then((read) => {
              this.messages.push(read);
              callback();
            }, callback);
        });
      },
    };
  }
}

/**
 * Starts a sink on a free port. Every message is parsed (`parsed`), unless `parse: false`: then it is kept
 * raw, for load generators that need only a header (rawHeader) and the arrival time of each message.
 */
export function startSmtpSink(options: SmtpSinkOptions & { parse: false }): Promise<SmtpSink<RawMail>>;
export function startSmtpSink(options?: SmtpSinkOptions): Promise<SmtpSink>;
export async function startSmtpSink({ parse = true, ...options }: SmtpSinkOptions & { parse?: boolean } = {}) {
  const sink = parse ? new SmtpSink(options, withParsed) : new SmtpSink(options, (mail) => mail);
  await sink.start();
  return sink;
}
