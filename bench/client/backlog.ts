/**
 * The client side: a real server (SQLite, temp dir), two registered SDK
 * clients on encrypted SQLite profiles. Bob goes offline; Alice's backlog is
 * encrypted through the SDK's own per-peer code and sent pipelined on one
 * socket (the fill is not timed). Then Bob reconnects and is timed until
 * every message is stored and the queue is drained.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@tacet/server';
import { encodeContent } from '../../packages/client/src/content/content.js';
import { pad } from '../../packages/client/src/content/padding.js';
import { TacetClient } from '../../packages/client/src/index.js';
import { nodeWebSocket, openSqliteStore } from '../../packages/client/src/index.node.js';
import { encryptForPeer } from '../../packages/client/src/messenger/peer-crypto.js';
import { ProtocolStores } from '../../packages/client/src/sessions/protocol-stores.js';
import { Connection } from '../../packages/client/src/transport/connection.js';
import { HttpApi, wsLogin } from '../../packages/client/src/transport/http-api.js';
import { randomId } from '../../packages/client/src/util.js';

const open = (dir: string) => openSqliteStore({ dir, passphrase: 'bench', logN: 14 });

async function fill(dir: string, peer: string, count: number): Promise<void> {
  const store = await open(dir);
  const client = await TacetClient.open({ store, webSocket: nodeWebSocket });
  const account = client.account;
  const stores = new ProtocolStores(store);
  const api = new HttpApi(account.serverUrl, account);
  const sends = [];
  for (let n = 0; n < count; n++) {
    const id = randomId();
    const content = encodeContent({
      kind: 'text',
      id,
      sentAt: Date.now(),
      clock: n + 1,
      body: `backlog message ${n}`,
      timerSeconds: 0,
    });
    const envelopes = await encryptForPeer(stores, api, account, peer, 'bob', pad(content), Date.now());
    sends.push({ id, ttlSeconds: 0, envelopes });
  }
  await store.apply({ records: stores.takeWrites() });
  const url = `${account.serverUrl.replace(/^http/, 'ws')}/v1/ws`;
  const conn = await Connection.open(url, wsLogin(account), nodeWebSocket, {
    onEnvelope: async () => undefined,
  });
  for (let n = 0; n < sends.length; n += 500)
    await Promise.all(sends.slice(n, n + 500).map((s) => conn.send(s)));
  await conn.close();
  await client.close();
}

export async function backlogRate(count: number): Promise<{ rate: number; ms: number; fillMs: number }> {
  const root = mkdtempSync(join(tmpdir(), 'tacet-bench-client-'));
  const server = await startServer({
    dataDir: join(root, 'server'),
    port: 0,
    powBits: 4,
    maxQueueLength: count + 100,
    logLevel: 'error',
    logSink: () => undefined,
  });
  try {
    const reg = async (name: string) => {
      const c = await TacetClient.register({
        store: await open(join(root, name)),
        webSocket: nodeWebSocket,
        serverUrl: server.url,
      });
      const id = c.accountId;
      return { c, id };
    };
    const alice = await reg('alice');
    const bob = await reg('bob');
    await alice.c.addContact(bob.id, 'bob');
    await bob.c.addContact(alice.id, 'alice');
    await alice.c.connect();
    await bob.c.connect();
    await alice.c.send('bob', 'hello'); // session established both ways before the backlog
    await new Promise((r) => setTimeout(r, 300));
    await bob.c.send('alice', 'hi');
    await new Promise((r) => setTimeout(r, 300));
    await bob.c.close();
    await alice.c.close();

    const fillStart = performance.now();
    await fill(join(root, 'alice'), bob.id, count);
    const fillMs = performance.now() - fillStart;

    const again = await TacetClient.open({ store: await open(join(root, 'bob')), webSocket: nodeWebSocket });
    let received = 0;
    let done!: () => void;
    const all = new Promise<void>((r) => {
      done = r;
    });
    again.on((e) => {
      if (e.type === 'message' && ++received === count) done();
    });
    const start = performance.now();
    await again.connect();
    await all;
    const ms = performance.now() - start;
    await again.close();
    return { rate: count / (ms / 1000), ms, fillMs };
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}
