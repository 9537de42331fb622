/**
 * A TCP proxy in front of a server that interrupts one connection once it
 * has carried `after` bytes towards the server, at a point the test
 * chooses: 'cut' drops it (a dropped connection in the middle of an
 * upload); 'hold' stops passing bytes but keeps it open, as a stalled
 * network would, so a test can kill the client while it is certainly
 * mid-upload (closing the client side then closes the server side, as the
 * kernel does for a killed process).
 */
import { createServer, type Server, Socket } from 'node:net';

export interface CuttingProxy {
  readonly url: string;
  /** Connections interrupted so far. */
  cuts: number;
  /** Resolves when the first connection is interrupted. */
  readonly interrupted: Promise<void>;
  /** New connections pass everything. */
  disarm(): void;
  close(): Promise<void>;
}

export async function startCuttingProxy(
  target: URL,
  after: number,
  how: 'cut' | 'hold' = 'cut',
): Promise<CuttingProxy> {
  const sockets = new Set<Socket>();
  const state = { cuts: 0, armed: true };
  let onInterrupt = () => {};
  const interrupted = new Promise<void>((r) => {
    onInterrupt = r;
  });
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    sockets.add(client).add(upstream);
    let sent = 0;
    let holding = false;
    upstream.connect(Number(target.port), target.hostname);
    client.on('data', (b: Buffer) => {
      if (holding) return;
      sent += b.length;
      if (state.armed && sent > after) {
        state.armed = false;
        state.cuts++;
        onInterrupt();
        if (how === 'hold') holding = true;
        else {
          client.destroy();
          upstream.destroy();
        }
        return;
      }
      upstream.write(b);
    });
    upstream.on('data', (b: Buffer) => client.write(b));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get cuts() {
      return state.cuts;
    },
    interrupted,
    disarm() {
      state.armed = false;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
