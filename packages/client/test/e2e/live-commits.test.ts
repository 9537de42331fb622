/**
 * Live chat costs one durable commit per message on each side (issue 10
 * item 3): the sender encrypts in the commit that queues the message and
 * defers the cleanup after the server's ack; the receiver encrypts its
 * receipt in the commit that stores the message; the sender's receipt
 * handling rides on its next commit. Before, a message cost the sender four
 * commits and the receiver three.
 */
import { describe, expect, it } from 'vitest';
import { decodeContent } from '../../src/content/content.js';
import { type ClientEvent, TacetClient } from '../../src/index.js';
import { nodeWebSocket, openSqliteStore, shredFile } from '../../src/index.node.js';
import { RECEIPT_WINDOW_MS } from '../../src/messenger/receipt-window.js';
import type { WriteBehindStore } from '../../src/store/write-behind.js';
import { harnessEachTest } from '../support/harness.js';
import { ManualClock } from '../support/manual-clock.js';

const harness = harnessEachTest();

/**
 * A registered client whose store commits are counted, and the receipt
 * items it stored (each id once: how many receipts it made). Its clock is
 * moved by hand: the receipt window (messenger/receipt-window.ts) ends when
 * the test says so.
 */
async function counted(name: string, o: { deferMs?: number } = {}) {
  const dir = harness().tempDir(name);
  const store = await openSqliteStore({ dir, passphrase: `pw-${name}`, logN: 14 });
  let commits = 0;
  const receipts = new Set<string>();
  const apply = store.apply.bind(store);
  store.apply = (b) => {
    commits++;
    for (const item of b.putOutbox ?? [])
      if (decodeContent(item.content).kind === 'receipt') receipts.add(item.id);
    return apply(b);
  };
  const clock = new ManualClock(Date.now());
  const client = await TacetClient.register({
    store,
    webSocket: nodeWebSocket,
    serverUrl: harness().server.url,
    shredFile,
    clock,
    // By default nothing commits on a timer here, however slow the machine: each commit counted is one the traffic made.
    deferMs: o.deferMs ?? 600_000,
  });
  harness().clients.add(client);
  return { client, dir, clock, commits: () => commits, receipts: () => receipts.size };
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
async function pair(bobDeferMs?: number) {
  await harness().startServer();
  const alice = await counted('alice');
  const bob = await counted('bob', bobDeferMs === undefined ? {} : { deferMs: bobDeferMs });
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
  // Later receipts start windows of their own.
  alice.clock.advance(RECEIPT_WINDOW_MS);
  bob.clock.advance(RECEIPT_WINDOW_MS);
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
      // Each message alone in its receipt window: each receipt leaves at once, in the commit of its message.
      bob.clock.advance(RECEIPT_WINDOW_MS);
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

/** Resolves once every id in `ids` is marked delivered at `c`. */
function allDelivered(c: TacetClient, ids: readonly string[]): Promise<void> {
  const left = new Set(ids);
  return new Promise((resolve) => {
    const off = c.on((e) => {
      if (e.type === 'updated' && e.message.status === 'delivered') left.delete(e.message.id);
      if (left.size === 0) {
        off();
        resolve();
      }
    });
  });
}

/** Resolves once `c` has shown `n` incoming messages. */
function incomingCount(c: TacetClient, n: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const off = c.on((e) => {
      if (incoming(e) && ++seen === n) {
        off();
        resolve();
      }
    });
  });
}

describe('receipts coalesced per sender', { timeout: 60_000 }, () => {
  it('marks a lone message at once, and a burst within the window with one more receipt at its end', async () => {
    // Bob's deferred writes commit after 50 ms of nothing else: the burst's receipt rides on that commit.
    const { alice, bob } = await pair(50);
    const r0 = bob.receipts();
    const b0 = bob.commits();
    // A lone message: its receipt leaves in the commit that stores it, no clock moved.
    let got = next(bob.client, incoming);
    const firstDelivered = next(
      alice.client,
      (e) => e.type === 'updated' && e.message.status === 'delivered',
    );
    await alice.client.send('bob', 'lone');
    await got;
    await firstDelivered;
    expect(bob.receipts() - r0).toBe(1);
    // A burst within the window that lone receipt opened: its ids gather in one receipt, durable but not yet sent.
    const n = 6;
    got = incomingCount(bob.client, n);
    const burst = await Promise.all(Array.from({ length: n }, (_, i) => alice.client.send('bob', `b${i}`)));
    const burstDelivered = allDelivered(
      alice.client,
      burst.map((m) => m.id),
    );
    await got;
    expect(bob.receipts() - r0).toBe(2);
    // The window ends: that one receipt is sealed and leaves with the next commit.
    bob.clock.advance(RECEIPT_WINDOW_MS);
    await burstDelivered;
    expect(bob.receipts() - r0).toBe(2);
    // One commit per received message at most, the trailing receipt's included.
    expect(bob.commits() - b0).toBeLessThanOrEqual(n + 2);
  });

  it('sends a gathered receipt after a restart', async () => {
    const { alice, bob } = await pair();
    const opened = next(alice.client, (e) => e.type === 'updated' && e.message.status === 'delivered');
    await alice.client.send('bob', 'opens the window');
    await opened;
    const r0 = bob.receipts();
    const n = 4;
    const got = incomingCount(bob.client, n);
    // These gather while the window is open (bob's clock stands still): stored, not sent.
    const sent = await Promise.all(Array.from({ length: n }, (_, i) => alice.client.send('bob', `r${i}`)));
    const delivered = allDelivered(
      alice.client,
      sent.map((m) => m.id),
    );
    await got;
    expect(bob.receipts() - r0).toBe(1);
    await bob.client.close();
    harness().clients.delete(bob.client);
    const store = await openSqliteStore({ dir: bob.dir, passphrase: 'pw-bob', logN: 14 });
    const again = await TacetClient.open({ store, webSocket: nodeWebSocket, shredFile });
    harness().clients.add(again);
    await again.connect();
    await delivered;
  });
});
