/**
 * What both client benchmarks start from: a real server (SQLite, temp dir)
 * and two registered SDK clients, alice and bob, on encrypted SQLite
 * profiles, with a session established both ways; both closed again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@tacet/server';
import { TacetClient } from '../../packages/client/src/index.js';
import { nodeWebSocket, openSqliteStore } from '../../packages/client/src/index.node.js';

export const openProfile = (dir: string) => openSqliteStore({ dir, passphrase: 'bench', logN: 14 });

export interface BenchPair {
  readonly root: string;
  readonly serverUrl: string;
  readonly alice: { dir: string; id: string };
  readonly bob: { dir: string; id: string };
  close(): Promise<void>;
}

/** Resolves once `c` has emitted a message event. */
function nextMessage(c: TacetClient): Promise<void> {
  return new Promise((resolve) => {
    const off = c.on((e) => {
      if (e.type === 'message' && e.message.direction === 'in') {
        off();
        resolve();
      }
    });
  });
}

export async function startPair(maxQueueLength: number): Promise<BenchPair> {
  const root = mkdtempSync(join(tmpdir(), 'tacet-bench-client-'));
  const server = await startServer({
    dataDir: join(root, 'server'),
    port: 0,
    powBits: 4,
    maxQueueLength,
    logLevel: 'error',
    logSink: () => undefined,
  });
  const reg = async (name: string) => {
    const dir = join(root, name);
    const c = await TacetClient.register({
      store: await openProfile(dir),
      webSocket: nodeWebSocket,
      serverUrl: server.url,
    });
    return { c, dir, id: c.accountId };
  };
  const alice = await reg('alice');
  const bob = await reg('bob');
  await alice.c.addContact(bob.id, 'bob');
  await bob.c.addContact(alice.id, 'alice');
  await alice.c.connect();
  await bob.c.connect();
  const hello = nextMessage(bob.c);
  await alice.c.send('bob', 'hello'); // session established both ways before measuring
  await hello;
  const hi = nextMessage(alice.c);
  await bob.c.send('alice', 'hi');
  await hi;
  await bob.c.close();
  await alice.c.close();
  return {
    root,
    serverUrl: server.url,
    alice: { dir: alice.dir, id: alice.id },
    bob: { dir: bob.dir, id: bob.id },
    async close() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
