import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

export interface TcpProxy {
  /** 127.0.0.1 port the proxy listens on. */
  port: number;
  /** Resets every open connection and every new one (the target looks down: connection refused/reset). */
  cut(): void;
  /** Keeps connections open but holds every byte (the target looks hung: no answer, no error). */
  stall(): void;
  /** Back to forwarding; held bytes are delivered. */
  restore(): void;
  close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 in front of a real server, to simulate outages without stopping the shared server. */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  let mode: 'forward' | 'cut' | 'stall' = 'forward';
  const pairs = new Set<[Socket, Socket]>();

  const server = createServer((client) => {
    if (mode === 'cut') {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    if (mode === 'stall') for (const socket of pair) socket.pause();
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const cut = () => {
    mode = 'cut';
    for (const [client, upstream] of pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
  };

  return {
    port: (server.address() as AddressInfo).port,
    cut,
    stall() {
      mode = 'stall';
      for (const pair of pairs) for (const socket of pair) socket.pause();
    },
    restore() {
      mode = 'forward';
      for (const pair of pairs) for (const socket of pair) socket.resume();
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
