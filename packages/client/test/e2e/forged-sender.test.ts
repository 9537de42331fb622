/**
 * Issue 9, item 1, as an attacker does it: Mallory, a real registered
 * client, seals PreKey messages (a text and a timer change) under her own
 * identity key with a self-made sender certificate naming Alice, Bob's
 * verified contact, and sends them over her own connection. Bob must not
 * show them in Alice's conversation, apply the timer, or drop Alice's
 * verified mark. An expired certificate (even signed by the real server
 * key) and one under a root Bob never pinned are refused too, while
 * Mallory's own client, with the server-issued certificate, gets through.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientEvent } from '../../src/index.js';
import { certificate, forgedContents, selfMadeSigner, sendSealed, stolenSigner } from '../support/forge.js';
import { Harness, until } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.dispose();
});

const refusals = (events: ClientEvent[]) =>
  events.filter((e) => e.type === 'error' && /certificate/.test(e.error.message));

describe('a forged sender certificate', { timeout: 60_000 }, () => {
  it('never reaches the claimed conversation, its timer or its verified mark', async () => {
    const { alice, bob } = await h.startConnectedPair();
    const mallory = await h.register('mallory');
    const aliceId = alice.client.accountId;
    await alice.client.send('bob', 'hello bob');
    await until(async () => (await bob.client.messages('alice')).length === 1, 20_000, 'first message');
    await bob.client.verify('alice');
    const timerBefore = (await bob.client.contacts.get('alice')).timerSeconds;

    const malloryKey = (await mallory.client.identityKey()).publicKey;
    const bobId = bob.client.accountId;
    const forged = certificate(selfMadeSigner(), aliceId, malloryKey);
    await sendSealed(h.server.url, mallory.client, bobId, forgedContents(), forged);
    await until(() => refusals(bob.events).length === 2, 20_000, 'both forgeries refused');

    const shown = await bob.client.messages('alice');
    expect(shown.map((m) => m.body)).toEqual(['hello bob']);
    expect((await bob.client.contacts.get('alice')).timerSeconds).toBe(timerBefore);
    expect((await bob.client.safetyNumber('alice')).verified).toBe(true);
    expect(await bob.client.isUntrusted('alice')).toBe(false);
    expect(bob.events.some((e) => e.type === 'identity-changed' || e.type === 'identity-claim')).toBe(false);
    expect(await bob.client.store.getRecord('identity', aliceId)).toEqual(
      (await alice.client.identityKey()).publicKey.serialize(),
    );

    // Mallory as herself: expired (real server key), then under a root of her own: both refused.
    const malloryId = mallory.client.accountId;
    const expired = certificate(stolenSigner(h.serverDir), malloryId, malloryKey, Date.now() - 1);
    await sendSealed(h.server.url, mallory.client, bobId, forgedContents().slice(0, 1), expired);
    await until(() => refusals(bob.events).length === 3, 20_000, 'expired certificate refused');
    const ownRoot = certificate(selfMadeSigner(), malloryId, malloryKey);
    await sendSealed(h.server.url, mallory.client, bobId, forgedContents().slice(0, 1), ownRoot);
    await until(() => refusals(bob.events).length === 4, 20_000, 'foreign root refused');
    expect(await bob.client.store.listMessages(malloryId, Date.now())).toEqual([]);
    expect(await bob.client.store.getRecord('identity', malloryId)).toBeUndefined();

    // Her real client, sealing with the certificate the server issued her, is delivered.
    await mallory.client.addContact(bobId, 'bob');
    await mallory.client.connect();
    await mallory.client.send('bob', 'hi, I am mallory');
    const got = await until(async () => (await bob.client.store.listMessages(malloryId, Date.now())).at(0));
    expect(got.body).toBe('hi, I am mallory');
    expect(refusals(bob.events)).toHaveLength(4);
    expect((await bob.client.messages('alice')).map((m) => m.body)).toEqual(['hello bob']);
  });
});
