/**
 * A TCP proxy in front of a server that cuts one connection once it has
 * carried `cutAfter` bytes towards the server: a dropped connection in the
 * middle of an upload, at a point the test chooses.
 */
import { createServer, type Server, Socket } from 'node:net';

export interface CuttingProxy {
  readonly url: string;
  /** Connections cut so far. */
  cuts: number;
  close(): Promise<void>;
}

export async function startCuttingProxy(target: URL, cutAfter: number): Promise<CuttingProxy> {
  const sockets = new Set<Socket>();
  const state = { cuts: 0, armed: true };
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    sockets.add(client).add(upstream);
    let sent = 0;
    upstream.connect(Number(target.port), target.hostname);
    client.on('data', (b: Buffer) => {
      sent += b.length;
      if (state.armed && sent > cutAfter) {
        state.armed = false;
        state.cuts++;
        client.destroy();
        upstream.destroy();
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
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
