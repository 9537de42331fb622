import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Clock, systemClock, TacetClient } from '../../src/index.js';
import { nodeWebSocket, openSqliteStore } from '../../src/index.node.js';
import { HttpApi } from '../../src/transport/http-api.js';
import { Harness } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.dispose();
});

describe('key upkeep', { timeout: 60_000 }, () => {
  it('tops up one-time prekeys when they run low and rotates an old signed prekey', async () => {
    // One account drains bob's keys here, which the server's per-target limit (burst 10) stops
    // by default (tested in server e2e/keys.test.ts); this test is about the top-up after a drain.
    await h.startServer({ prekeyTargetLimit: { burst: 1000, perHour: 100_000 } });
    const bob = await h.register('bob');
    const alice = await h.register('alice');
    const own = new HttpApi(h.server.url, bob.client.account);
    const other = new HttpApi(h.server.url, alice.client.account);
    expect(await own.keyCount()).toEqual({ preKeys: 100, pqPreKeys: 20 });
    const first = await other.bundle(bob.client.accountId);
    for (let i = 0; i < 95; i++) await other.bundle(bob.client.accountId); // someone drains them
    expect(await own.keyCount()).toEqual({ preKeys: 4, pqPreKeys: 0 });

    await bob.client.upkeep();
    expect(await own.keyCount()).toEqual({ preKeys: 104, pqPreKeys: 20 });
    expect((await other.bundle(bob.client.accountId)).devices[0]?.signedPreKey.keyId).toBe(
      first.devices[0]?.signedPreKey.keyId,
    );

    // Three days later the signed prekey (and the Kyber last-resort key) are replaced.
    await h.closeClient(bob.client);
    const later: Clock = { ...systemClock, now: () => Date.now() + 3 * 24 * 3600 * 1000 };
    const store = await openSqliteStore({ dir: bob.dir, passphrase: 'pw-bob' });
    const again = await TacetClient.open({
      store,
      webSocket: nodeWebSocket,
      clock: later,
    });
    h.clients.add(again);
    await again.upkeep();
    const rotated = (await other.bundle(bob.client.accountId)).devices[0]?.signedPreKey.keyId;
    expect(rotated).not.toBe(first.devices[0]?.signedPreKey.keyId);
    expect(await store.listRecords('signed-prekey')).toHaveLength(2); // the old one stays for in-flight messages

    // Forty days on, replaced signed prekeys are deleted (forward secrecy).
    await h.closeClient(again);
    const muchLater: Clock = { ...systemClock, now: () => Date.now() + 40 * 24 * 3600 * 1000 };
    const store2 = await openSqliteStore({ dir: bob.dir, passphrase: 'pw-bob' });
    const third = await TacetClient.open({ store: store2, webSocket: nodeWebSocket, clock: muchLater });
    h.clients.add(third);
    await third.upkeep();
    expect(await store2.listRecords('signed-prekey')).toHaveLength(1);
  });
});
