import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientError } from '../../src/index.js';
import { Harness, until } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.dispose();
});

describe('delivery across disconnects', { timeout: 60_000 }, () => {
  it('an offline recipient gets everything after reconnecting, in order, exactly once', async () => {
    await h.startServer();
    const alice = await h.register('alice');
    const bob = await h.register('bob');
    await alice.client.addContact(bob.client.accountId, 'bob');
    const bobId = bob.client.accountId;
    const bobDir = bob.dir;
    await h.closeClient(bob.client); // bob is offline

    await alice.client.connect();
    const texts = Array.from({ length: 12 }, (_, i) => `offline message ${i}`);
    for (const t of texts) await alice.client.send('bob', t);

    const again = await h.reopen(bobDir, 'bob');
    await again.client.connect();
    await again.client.waitForDrain();
    const got = await until(async () => {
      const all = await again.client.messages(alice.client.accountId);
      return all.length >= texts.length ? all : undefined;
    });
    expect(got.map((m) => m.body)).toEqual(texts);
    expect(again.client.accountId).toBe(bobId);

    // Reconnecting again delivers nothing twice.
    await h.closeClient(again.client);
    const third = await h.reopen(bobDir, 'bob');
    await third.client.connect();
    await third.client.waitForDrain();
    await new Promise((r) => setTimeout(r, 200));
    expect((await third.client.messages(alice.client.accountId)).map((m) => m.body)).toEqual(texts);
    expect(third.events.filter((e) => e.type === 'message')).toHaveLength(0);
  });

  it('survives a server restart mid-conversation; the outbox is retried on reconnect', async () => {
    const { alice, bob } = await h.startConnectedPair();
    await alice.client.send('bob', 'before restart');
    await until(async () => (await bob.client.messages('alice')).length === 1, 20_000, 'first message');

    await h.server.close();
    // Sent while the server is down: refused for now, kept in the outbox.
    const pending = alice.client.send('bob', 'during restart').catch((e: Error) => e);
    await h.startServer();
    const result = await pending;
    if (result instanceof Error) expect(result.message).toMatch(/kept|connection|reach/);

    await alice.client.send('bob', 'after restart');
    const bodies = await until(
      async () => {
        const all = (await bob.client.messages('alice')).map((m) => m.body);
        return all.length === 3 ? all : undefined;
      },
      20_000,
      'all three messages',
    );
    expect(bodies).toEqual(['before restart', 'during restart', 'after restart']);
    await bob.client.send('alice', 'still here');
    await until(async () => (await alice.client.messages('bob')).some((m) => m.body === 'still here'));
  });

  it('says so clearly when the server no longer knows this device', async () => {
    await h.startServer();
    const alice = await h.register('alice');
    await h.server.close();
    rmSync(h.serverDir, { recursive: true, force: true }); // the operator reset the server
    await h.startServer();
    const err = await alice.client.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).code).toBe('NotRegistered');
    expect((err as Error).message).toMatch(/does not know this device/);
  });
});
