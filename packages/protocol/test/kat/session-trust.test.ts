/**
 * Identity trust (docs/protocol.md §3, §4.3): every entry point asks
 * the IdentityKeyStore, fails with ProtocolError('UntrustedIdentity') when the
 * answer is no, and then leaves sessions, identities and prekeys untouched.
 */
import { describe, expect, it } from 'vitest';
import {
  Direction,
  ProtocolError,
  processPreKeyBundle,
  SignalMessage,
  signalDecrypt,
  signalDecryptPreKey,
  signalEncrypt,
} from '../../src/index.js';
import { TacetPeer } from '../support/session-peers.js';

const te = new TextEncoder();
const td = new TextDecoder();

async function connected() {
  const alice = new TacetPeer('alice');
  const bob = new TacetPeer('bob');
  await alice.startSession(bob, await bob.bundle(true));
  await bob.decrypt(await alice.encrypt(te.encode('hi'), bob), alice);
  await alice.decrypt(await bob.encrypt(te.encode('hi back'), alice), bob);
  return { alice, bob };
}

function snapshot(peer: TacetPeer, other: TacetPeer) {
  return peer.party.stores.sessions.records.get(other.address.toString())?.serialize();
}

describe('untrusted identities', () => {
  it('processPreKeyBundle asks with Direction.Sending and stores nothing when refused', async () => {
    const alice = new TacetPeer('alice');
    const bob = new TacetPeer('bob');
    const asked: number[] = [];
    const store = alice.party.stores.identities;
    const original = store.isTrustedIdentity.bind(store);
    store.isTrustedIdentity = async (address, key, direction) => {
      asked.push(direction);
      return original(address, key, direction);
    };
    store.untrusted.add(bob.address.toString());
    const error = await alice.startSession(bob, await bob.bundle(true)).catch((e) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe('UntrustedIdentity');
    expect(asked).toEqual([Direction.Sending]);
    expect(alice.party.stores.sessions.records.size).toBe(0);
    expect(store.known.size).toBe(0);
  });

  it('signalEncrypt refuses and does not advance the chain', async () => {
    const { alice, bob } = await connected();
    alice.party.stores.identities.untrusted.add(bob.address.toString());
    const before = snapshot(alice, bob);
    await expect(signalEncrypt(te.encode('no'), bob.address, alice.party.stores)).rejects.toMatchObject({
      code: 'UntrustedIdentity',
    });
    expect(snapshot(alice, bob)).toEqual(before);
    alice.party.stores.identities.untrusted.clear();
    const next = await alice.encrypt(te.encode('yes'), bob);
    expect(SignalMessage.deserialize(next.bytes).counter).toBe(0);
    expect(td.decode(await bob.decrypt(next, alice))).toBe('yes');
  });

  it('signalDecrypt refuses after verifying, stores nothing, and the message decrypts once trusted', async () => {
    const { alice, bob } = await connected();
    const wire = await alice.encrypt(te.encode('later'), bob);
    bob.party.stores.identities.untrusted.add(alice.address.toString());
    const before = snapshot(bob, alice);
    await expect(signalDecrypt(wire.bytes, alice.address, bob.party.stores)).rejects.toMatchObject({
      code: 'UntrustedIdentity',
    });
    expect(snapshot(bob, alice)).toEqual(before);
    bob.party.stores.identities.untrusted.clear();
    expect(td.decode(await bob.decrypt(wire, alice))).toBe('later');
  });

  it('signalDecryptPreKey refuses before touching prekeys', async () => {
    const alice = new TacetPeer('alice');
    const bob = new TacetPeer('bob');
    await alice.startSession(bob, await bob.bundle(true));
    const wire = await alice.encrypt(te.encode('first'), bob);
    bob.party.stores.identities.untrusted.add(alice.address.toString());
    await expect(signalDecryptPreKey(wire.bytes, alice.address, bob.party.stores)).rejects.toMatchObject({
      code: 'UntrustedIdentity',
    });
    expect(bob.party.stores.sessions.records.size).toBe(0);
    expect(bob.party.stores.preKeys.records.size).toBe(1);
    expect(bob.party.stores.kyberPreKeys.used).toEqual([]);
  });

  it('a peer that reinstalled with a new identity is refused by a trust-on-first-use store', async () => {
    const { alice, bob } = await connected();
    const reinstalled = new TacetPeer('bob');
    await expect(
      processPreKeyBundle(await reinstalled.bundle(true), bob.address, alice.party.stores, Date.now()),
    ).rejects.toMatchObject({ code: 'UntrustedIdentity' });
    // The old session still works.
    expect(td.decode(await bob.decrypt(await alice.encrypt(te.encode('still'), bob), alice))).toBe('still');
  });
});

describe('missing sessions and prekeys', () => {
  it('signalEncrypt and signalDecrypt without a session fail with NoSession', async () => {
    const alice = new TacetPeer('alice');
    const bob = new TacetPeer('bob');
    await expect(signalEncrypt(te.encode('x'), bob.address, alice.party.stores)).rejects.toMatchObject({
      code: 'NoSession',
    });
    const { alice: a2, bob: b2 } = await connected();
    const wire = await a2.encrypt(te.encode('x'), b2);
    await expect(signalDecrypt(wire.bytes, a2.address, bob.party.stores)).rejects.toMatchObject({
      code: 'NoSession',
    });
  });

  it('a PreKey message naming an unknown prekey fails with the store error and stores nothing', async () => {
    const alice = new TacetPeer('alice');
    const bob = new TacetPeer('bob');
    await alice.startSession(bob, await bob.bundle(true));
    const wire = await alice.encrypt(te.encode('first'), bob);
    bob.party.stores.preKeys.records.clear();
    await expect(signalDecryptPreKey(wire.bytes, alice.address, bob.party.stores)).rejects.toMatchObject({
      code: 'InvalidPreKeyId',
    });
    bob.party.stores.signedPreKeys.records.clear();
    await expect(signalDecryptPreKey(wire.bytes, alice.address, bob.party.stores)).rejects.toMatchObject({
      code: 'InvalidSignedPreKeyId',
    });
    expect(bob.party.stores.sessions.records.size).toBe(0);
  });
});
