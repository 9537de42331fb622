/**
 * The client side: a real server and two registered clients (pair.ts).
 * Bob is offline; Alice's backlog is encrypted through the SDK's own
 * per-peer code and sent pipelined on one socket (the fill is not timed). Then Bob reconnects and is timed until
 * every message is stored and the queue is drained.
 */
import { encodeContent } from '../../packages/client/src/content/content.js';
import { pad } from '../../packages/client/src/content/padding.js';
import { TacetClient } from '../../packages/client/src/index.js';
import { nodeWebSocket } from '../../packages/client/src/index.node.js';
import { encryptForPeer } from '../../packages/client/src/messenger/peer-crypto.js';
import { senderCertificates } from '../../packages/client/src/messenger/sender-certificates.js';
import { pinnedTrustRoot } from '../../packages/client/src/messenger/trust-root.js';
import { ProtocolStores } from '../../packages/client/src/sessions/protocol-stores.js';
import { Connection } from '../../packages/client/src/transport/connection.js';
import { HttpApi, wsLogin } from '../../packages/client/src/transport/http-api.js';
import { randomId } from '../../packages/client/src/util.js';
import { openProfile, startPair } from './pair.js';

async function fill(dir: string, peer: string, count: number): Promise<void> {
  const store = await openProfile(dir);
  const client = await TacetClient.open({ store, webSocket: nodeWebSocket });
  const account = client.account;
  const stores = new ProtocolStores(store);
  const api = new HttpApi(account.serverUrl, account);
  const { root } = await pinnedTrustRoot(store, account, api);
  const certificate = senderCertificates(stores, api, account, async () => root);
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
    const envelopes = await encryptForPeer(stores, api, certificate, peer, 'bob', pad(content), Date.now());
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
  const pair = await startPair(count + 100);
  try {
    const fillStart = performance.now();
    await fill(pair.alice.dir, pair.bob.id, count);
    const fillMs = performance.now() - fillStart;

    const again = await TacetClient.open({
      store: await openProfile(pair.bob.dir),
      webSocket: nodeWebSocket,
    });
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
    await pair.close();
  }
}
