import { Writable } from 'node:stream';

class TextSink extends Writable {
  text = '';

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

/** Streams and env for running a CLI command in-process; what it printed is readable afterwards. */
export function captureIo(env: NodeJS.ProcessEnv) {
  const stdout = new TextSink();
  const stderr = new TextSink();
  return { io: { stdout, stderr, env }, stdout: () => stdout.text, stderr: () => stderr.text };
}
