/**
 * Starts a real tacet server in-process on a random loopback port, serving
 * a web client directory, with its own throwaway data directory. `restart`
 * stops it and starts it again on the same port and data, the way a network
 * drop looks to a connected client.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startServer } from '@tacet/server';

/** A running server and how to stop it. */
export interface RunningTestServer {
  url: string;
  /** The server's data directory (tests edit its database as a hostile server would). */
  dataDir: string;
  /** Stops the server; resolves once it is down. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Proof-of-work difficulty for tests: enough to see progress, cheap to solve. */
export const TEST_POW_BITS = 12;

/** Starts the server; `close()` stops it and deletes its data. */
export async function startTacetServer(
  staticDir: string,
  powBits = TEST_POW_BITS,
): Promise<RunningTestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tacet-web-server-'));
  let port = 0;
  let server: RunningServer | null = null;
  const start = async () => {
    server = await startServer({
      dataDir,
      port,
      host: '127.0.0.1',
      staticDir,
      powBits,
      registrationLimit: { burst: 1000, perHour: 100_000 },
      challengeLimit: { burst: 1000, perHour: 100_000 },
      logLevel: 'error',
      logSink: () => undefined,
    });
    port = server.port;
  };
  const stop = async () => {
    await server?.close();
    server = null;
  };
  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    start,
    stop,
    async close() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
