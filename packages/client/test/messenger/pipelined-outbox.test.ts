import { describe, expect, it } from 'vitest';
import { TacetClient } from '../../src/index.js';
import { openSqliteStore, shredFile } from '../../src/index.node.js';
import { type AckHoldingSocket, ackHoldingSocket } from '../support/ack-holding-socket.js';
import { harnessEachTest, until } from '../support/harness.js';

const harness = harnessEachTest();

/** Alice and Bob with a session; Alice reopened behind `socket`. */
async function pairBehind(socket: AckHoldingSocket) {
  const { alice, bob } = await harness().startConnectedPair();
  await alice.client.send('bob', 'hello');
  await until(async () => (await bob.client.messages('alice')).length === 1, 20_000, 'first message');
  await harness().closeClient(alice.client);
  const store = await openSqliteStore({ dir: alice.dir, passphrase: 'pw-alice' });
  const a = await TacetClient.open({ store, webSocket: socket.factory, shredFile });
  harness().clients.add(a);
  await a.connect();
  await a.waitForDrain();
  return { a, bob: bob.client, dir: alice.dir };
}

async function bodiesAt(bob: TacetClient, n: number): Promise<string[]> {
  return until(
    async () => {
      const all = (await bob.messages('alice')).map((m) => m.body);
      return all.length >= n ? all : undefined;
    },
    20_000,
    `${n} messages at bob's`,
  );
}

describe('the outbox pipelines its sends', { timeout: 60_000 }, () => {
  it('a burst leaves without waiting for acks, is marked sent only once acked, and arrives in order', async () => {
    const socket = ackHoldingSocket();
    const { a, bob } = await pairBehind(socket);
    socket.hold();
    const before = socket.sends.length;
    const texts = Array.from({ length: 10 }, (_, i) => `burst ${i}`);
    const sends = texts.map((t) => a.send('bob', t));
    // All ten are on the wire while the server's acks are held back: more than one send in flight.
    await until(() => socket.sends.length - before >= texts.length, 20_000, 'ten sends in flight');
    const mine = (await a.messages('bob')).filter((m) => texts.includes(m.body));
    expect(mine.map((m) => m.status)).toEqual(texts.map(() => 'pending'));

    socket.pass();
    const sent = await Promise.all(sends);
    expect(sent.map((m) => m.status).every((s) => s !== 'pending')).toBe(true);
    expect(await bodiesAt(bob, texts.length + 1)).toEqual(['hello', ...texts]);
  });

  it('what was in flight unacked when the connection dropped is sent again after reconnecting, in order, once', async () => {
    const socket = ackHoldingSocket();
    const { a, bob } = await pairBehind(socket);
    socket.swallow(); // the server never gets these: no ack will come
    const before = socket.sends.length;
    const texts = Array.from({ length: 5 }, (_, i) => `lost in transit ${i}`);
    const sends = texts.map((t) => a.send('bob', t).catch((e: Error) => e));
    await until(() => socket.sends.length - before >= texts.length, 20_000, 'five sends in flight');
    socket.pass();
    socket.cut();

    expect(await bodiesAt(bob, texts.length + 1)).toEqual(['hello', ...texts]);
    for (const r of await Promise.all(sends))
      if (r instanceof Error) expect(r.message).toMatch(/connection|kept/);
    await until(
      async () => (await a.messages('bob')).every((m) => m.status !== 'pending'),
      20_000,
      'all marked sent',
    );
    // Resent exactly once each: nothing more arrives.
    await a.send('bob', 'after');
    expect(await bodiesAt(bob, texts.length + 2)).toEqual(['hello', ...texts, 'after']);
  });

  it('close ends although an ack never comes; the message stays queued and goes at the next start, once', async () => {
    const socket = ackHoldingSocket();
    const { a, bob, dir } = await pairBehind(socket);
    socket.swallow(); // the server never gets it: no ack will ever come
    const before = socket.sends.length;
    const sending = a.send('bob', 'never acked').catch((e: Error) => e);
    await until(() => socket.sends.length > before, 20_000, 'the send on the wire');
    harness().clients.delete(a);
    await a.close(); // hung here for good before: it waited for the ack
    expect(await sending).toBeInstanceOf(Error);

    const again = await harness().reopen(dir, 'alice');
    const stillQueued = await again.client.messages('bob');
    expect(stillQueued.find((m) => m.body === 'never acked')?.status).toBe('pending');
    await again.client.connect();
    expect(await bodiesAt(bob, 2)).toEqual(['hello', 'never acked']);
    await again.client.send('bob', 'after');
    expect(await bodiesAt(bob, 3)).toEqual(['hello', 'never acked', 'after']);
  });
});
