/**
 * Live chat costs one durable commit per message on each side (issue 10
 * item 3): the sender encrypts in the commit that queues the message and
 * defers the cleanup after the server's ack; the receiver encrypts its
 * receipt in the commit that stores the message; the sender's receipt
 * handling rides on its next commit. Before, a message cost the sender four
 * commits and the receiver three.
 */
import { describe, expect, it } from 'vitest';
import { type ClientEvent, TacetClient } from '../../src/index.js';
import { nodeWebSocket, openSqliteStore, shredFile } from '../../src/index.node.js';
import type { WriteBehindStore } from '../../src/store/write-behind.js';
import { harnessEachTest } from '../support/harness.js';

const harness = harnessEachTest();

/** A registered client whose store commits are counted. */
async function counted(name: string) {
  const store = await openSqliteStore({ dir: harness().tempDir(name), passphrase: `pw-${name}`, logN: 14 });
  let commits = 0;
  const apply = store.apply.bind(store);
  store.apply = (b) => {
    commits++;
    return apply(b);
  };
  const client = await TacetClient.register({
    store,
    webSocket: nodeWebSocket,
    serverUrl: harness().server.url,
    shredFile,
    // Nothing commits on a timer here, however slow the machine: each commit counted is one the traffic made.
    deferMs: 600_000,
  });
  harness().clients.add(client);
  return { client, commits: () => commits };
}

/** Resolves at the first event `pick` accepts. */
function next(c: TacetClient, pick: (e: ClientEvent) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const off = c.on((e) => {
      if (pick(e)) {
        off();
        resolve();
      }
    });
  });
}

const incoming = (e: ClientEvent) => e.type === 'message' && e.message.direction === 'in';

/** Alice and bob with sessions both ways and nothing left to commit. */
async function pair() {
  await harness().startServer();
  const alice = await counted('alice');
  const bob = await counted('bob');
  await alice.client.addContact(bob.client.accountId, 'bob');
  await bob.client.addContact(alice.client.accountId, 'alice');
  await Promise.all([alice.client.connect(), bob.client.connect()]);
  await Promise.all([alice.client.waitForDrain(), bob.client.waitForDrain()]);
  // Sessions both ways first: a session's start fetches keys and costs what it costs once.
  let got = next(bob.client, incoming);
  await alice.client.send('bob', 'hello');
  await got;
  got = next(alice.client, incoming);
  await bob.client.send('alice', 'hi');
  await got;
  await Promise.all([alice.client.upkeep(), bob.client.upkeep()]);
  await (alice.client.store as WriteBehindStore).flush();
  await (bob.client.store as WriteBehindStore).flush();
  return { alice, bob };
}

describe('live path', { timeout: 60_000 }, () => {
  it('commits once per sent message on the sender and once per received message on the receiver', async () => {
    const { alice, bob } = await pair();
    let got: Promise<void>;
    const a0 = alice.commits();
    const b0 = bob.commits();
    const n = 8;
    const delivered = new Set<string>();
    alice.client.on((e) => {
      if (e.type === 'updated' && e.message.status === 'delivered') delivered.add(e.message.id);
    });
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      got = next(bob.client, incoming);
      const receipt = next(alice.client, (e) => e.type === 'updated' && e.message.status === 'delivered');
      ids.push((await alice.client.send('bob', `live ${i}`)).id);
      await got;
      await receipt;
    }
    expect(ids.every((id) => delivered.has(id))).toBe(true);
    // What was deferred (the last cleanup, the last receipt) is committed now: counted too.
    await (alice.client.store as WriteBehindStore).flush();
    await (bob.client.store as WriteBehindStore).flush();
    expect(alice.commits() - a0).toBeLessThanOrEqual(n + 1);
    expect(bob.commits() - b0).toBeLessThanOrEqual(n + 1);
    expect((await bob.client.messages('alice')).filter((m) => m.direction === 'in')).toHaveLength(n + 1);
  });

  it('queues a burst of sends in a shared commit', async () => {
    const { alice, bob } = await pair();
    const a0 = alice.commits();
    const n = 10;
    let seen = 0;
    const all = new Promise<void>((resolve) =>
      bob.client.on((e) => {
        if (incoming(e) && ++seen === n) resolve();
      }),
    );
    const sent = await Promise.all(
      Array.from({ length: n }, (_, i) => alice.client.send('bob', `burst ${i}`)),
    );
    await all;
    // The first send commits at once; those made meanwhile share the next commit.
    expect(alice.commits() - a0).toBeLessThanOrEqual(n / 2);
    expect(new Set(sent.map((m) => m.id)).size).toBe(n);
    const bodies = (await bob.client.messages('alice')).map((m) => m.body);
    expect(bodies.filter((b) => b.startsWith('burst'))).toHaveLength(n);
  });
});
