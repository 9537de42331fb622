/**
 * Parsed keys in ProtocolStores are reused only while their record is
 * unchanged: our identity key pair is parsed (and its private key imported)
 * once, and a peer's new identity key, staged or committed, replaces the old
 * one at once for every lookup that decides trust.
 */
import {
  Direction,
  IdentityKeyPair,
  KyberPreKeyRecord,
  type PreKeyBundle,
  ProtocolAddress,
  processPreKeyBundle,
  SessionRecord,
  SignedPreKeyRecord,
} from '@tacet/protocol';
import { describe, expect, it, vi } from 'vitest';
import { NS, ProtocolStores } from '../../src/sessions/protocol-stores.js';
import { recordStore } from '../support/record-store.js';

describe('ProtocolStores parsed keys', () => {
  it('parses our identity key pair once, and again only when its record changes', async () => {
    const store = recordStore();
    const stores = new ProtocolStores(store);
    const first = IdentityKeyPair.generate();
    await store.apply({ records: [{ ns: NS.self, key: 'identity-key-pair', value: first.serialize() }] });
    const a = await stores.identities.getIdentityKeyPair();
    expect(await stores.identities.getIdentityKeyPair()).toBe(a);
    const second = IdentityKeyPair.generate();
    await store.apply({ records: [{ ns: NS.self, key: 'identity-key-pair', value: second.serialize() }] });
    const b = await stores.identities.getIdentityKeyPair();
    expect(b.publicKey.equals(second.publicKey)).toBe(true);
  });

  it("sees a peer's changed identity key at once, staged and committed", async () => {
    const store = recordStore();
    const stores = new ProtocolStores(store);
    const peer = new ProtocolAddress('peer', 1);
    const oldKey = IdentityKeyPair.generate().publicKey;
    const newKey = IdentityKeyPair.generate().publicKey;
    await stores.identities.saveIdentity(peer, oldKey);
    await store.apply({ records: stores.takeWrites() });
    expect((await stores.identities.getIdentity(peer))?.equals(oldKey)).toBe(true);
    expect(await stores.identities.isTrustedIdentity(peer, oldKey, Direction.Sending)).toBe(true);
    await stores.identities.saveIdentity(peer, newKey);
    expect((await stores.identities.getIdentity(peer))?.equals(newKey)).toBe(true);
    await store.apply({ records: stores.takeWrites() });
    expect((await stores.identities.getIdentity(peer))?.equals(newKey)).toBe(true);
    // Trust stays with the accepted key until the user accepts the new one.
    expect(await stores.identities.isTrustedIdentity(peer, newKey, Direction.Sending)).toBe(false);
    await stores.acceptIdentity('peer');
    await store.apply({ records: stores.takeWrites() });
    expect(await stores.identities.isTrustedIdentity(peer, newKey, Direction.Sending)).toBe(true);
    expect(await stores.identities.isTrustedIdentity(peer, oldKey, Direction.Sending)).toBe(false);
  });
});

/** A peer's bundle without one-time keys, as the server serves it at worst. */
function bundleOf(identity: IdentityKeyPair, registrationId: number): PreKeyBundle {
  const signed = SignedPreKeyRecord.generate(1, identity, Date.now());
  const kyber = KyberPreKeyRecord.generate(1, identity, Date.now());
  return {
    registrationId,
    deviceId: 1,
    preKey: undefined,
    signedPreKey: { id: 1, publicKey: signed.keyPair.publicKey, signature: signed.signature },
    identityKey: identity.publicKey,
    kyberPreKey: { id: 1, publicKey: kyber.keyPair.publicKey, signature: kyber.signature },
  };
}

describe('ProtocolStores session registration ids (what a group send reads of each member)', () => {
  it('reads it once per record bytes, staged or committed, and follows a replaced session', async () => {
    const store = recordStore();
    const stores = new ProtocolStores(store);
    const own = IdentityKeyPair.generate().serialize();
    await store.apply({ records: [{ ns: NS.self, key: 'identity-key-pair', value: own }] });
    const peer = new ProtocolAddress('peer', 1);
    const identity = IdentityKeyPair.generate();
    expect(await stores.remoteRegistrationId(peer)).toBeUndefined();
    await processPreKeyBundle(bundleOf(identity, 1234), peer, stores, Date.now());
    expect(await stores.remoteRegistrationId(peer)).toBe(1234);
    await store.apply({ records: stores.takeWrites() });
    const rebuilt = vi.spyOn(SessionRecord, 'deserialize');
    try {
      // The committed record has the bytes read above: nothing is rebuilt for it.
      expect(await stores.remoteRegistrationId(peer)).toBe(1234);
      expect(await stores.remoteRegistrationId(peer)).toBe(1234);
      expect(rebuilt).not.toHaveBeenCalled();
      rebuilt.mockClear();
      await processPreKeyBundle(bundleOf(identity, 4321), peer, stores, Date.now());
      rebuilt.mockClear();
      expect(await stores.remoteRegistrationId(peer)).toBe(4321);
      expect(rebuilt).toHaveBeenCalledTimes(1);
    } finally {
      rebuilt.mockRestore();
    }
  });
});
