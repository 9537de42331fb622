/**
 * First contact under a server-signed lie: the sender certificate is signed
 * by the real server key (stolen from its database) and names Alice, whom
 * Bob never talked to, but carries Mallory's key. The directory, which
 * lists Alice's real key, refuses it; the real Alice is then accepted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientError } from '../../src/index.js';
import { certificate, forgedContents, sendSealed, stolenSigner } from '../support/forge.js';
import { Harness, until } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.dispose();
});

describe('first contact', { timeout: 60_000 }, () => {
  it('a sealed message claiming a stranger is dropped unless the server directory backs its key', async () => {
    await h.startServer();
    const alice = await h.register('alice');
    const bob = await h.register('bob');
    const mallory = await h.register('mallory');
    const aliceId = alice.client.accountId;

    // Mallory seals a real session message to Bob under her own identity key, but a certificate naming Alice.
    const malloryKey = (await mallory.client.identityKey()).publicKey;
    const forged = certificate(stolenSigner(h.serverDir), aliceId, malloryKey);
    await sendSealed(
      h.server.url,
      mallory.client,
      bob.client.accountId,
      forgedContents().slice(0, 1),
      forged,
    );

    await bob.client.connect();
    const refused = await until(() =>
      bob.events.find((e) => e.type === 'error' && e.error instanceof ClientError),
    );
    expect(refused.type === 'error' && (refused.error as ClientError).code).toBe('ImpersonatedSender');
    const shown = await bob.client.messages(aliceId).catch(() => []);
    expect(shown).toEqual([]);
    expect(await bob.client.store.getRecord('identity', aliceId)).toBeUndefined();
    expect(await bob.client.store.getRecord('trusted-identity', aliceId)).toBeUndefined();

    // The real Alice is then accepted as a first contact, with no key-change warning.
    await alice.client.addContact(bob.client.accountId, 'bob');
    await alice.client.connect();
    await alice.client.send('bob', 'hi bob, really me');
    const got = await until(async () => (await bob.client.messages(aliceId).catch(() => [])).at(0));
    expect(got.body).toBe('hi bob, really me');
    const stored = await bob.client.store.getRecord('identity', aliceId);
    expect(stored).toEqual((await alice.client.identityKey()).publicKey.serialize());
    expect(bob.events.some((e) => e.type === 'identity-changed')).toBe(false);
    expect(await bob.client.isUntrusted(aliceId)).toBe(false);
  });
});
