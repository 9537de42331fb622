/**
 * Starts a real tacet server in-process on a random loopback port, serving
 * a web client directory, with its own throwaway data directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@tacet/server';

/** A running server and how to stop it. */
export interface RunningTestServer {
  url: string;
  close(): Promise<void>;
}

/** Proof-of-work difficulty for tests: enough to see progress, cheap to solve. */
export const TEST_POW_BITS = 12;

/** Starts the server; `close()` stops it and deletes its data. */
export async function startTacetServer(staticDir: string): Promise<RunningTestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tacet-web-server-'));
  const server = await startServer({
    dataDir,
    port: 0,
    host: '127.0.0.1',
    staticDir,
    powBits: TEST_POW_BITS,
    logLevel: 'error',
  });
  return {
    url: server.url,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
