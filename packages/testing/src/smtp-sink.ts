import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** One message as the server received it. */
export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  /** The message exactly as sent (headers and MIME body), for checks that must not rely on a parser. */
  raw: string;
  parsed: ParsedMail;
  /** True when the session ran over TLS (implicit, or upgraded with STARTTLS). */
  secure: boolean;
  /** The user the client authenticated as, if it did. */
  user: string | undefined;
  /** Milliseconds since the epoch when the message's data was complete (before parsing). */
  at: number;
}

export interface SmtpSinkOptions {
  /** 'none' (default): plain SMTP, STARTTLS hidden; 'starttls': offered; 'implicit': TLS from the first byte (smtps). */
  tls?: 'none' | 'starttls' | 'implicit';
  /** Require AUTH with these credentials. */
  auth?: { user: string; pass: string };
}

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
 * code, and it can be stopped and started again on the same port (an outage as a client sees it).
 */
export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  private server: SMTPServer | undefined;
  private rcptReply: SmtpReply | undefined;
  private boundPort = 0;

  constructor(private readonly options: SmtpSinkOptions = {}) {}

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
      onAuth: (login, _session, callback) => {
        const ok = auth && login.username === auth.user && login.password === auth.pass;
        callback(ok ? null : new SmtpReply(535, 'Authentication failed'), ok ? { user: login.username } : undefined);
      },
      onRcptTo: (_address, _session, callback) => callback(this.rcptReply ?? null),
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const at = Date.now();
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw).then(
            (parsed) => {
              this.messages.push({
                envelope: {
                  from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                  to: session.envelope.rcptTo.map((r) => r.address),
                },
                raw,
                parsed,
                secure: session.secure,
                user: typeof session.user === 'string' ? session.user : undefined,
                at,
              });
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    };
  }
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const sink = new SmtpSink(options);
  await sink.start();
  return sink;
}
