/**
 * Key and record encodings against @signalapp/libsignal-client 0.72.1: what
 * one side serializes, the other reads back to the same bytes and the same
 * keys (docs/protocol.md §1, §9).
 */
import * as S from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import {
  IdentityKeyPair,
  KEMKeyPair,
  KyberPreKeyRecord,
  PreKeyRecord,
  PrivateKey,
  PublicKey,
  SignedPreKeyRecord,
} from '../../src/keys/index.js';
import { buf, u8 } from '../support/libsignal-group-stores.js';

describe('EC keys', () => {
  it('public keys round-trip both ways byte for byte', () => {
    for (let i = 0; i < 10; i++) {
      const theirs = S.PrivateKey.generate().getPublicKey();
      const ours = PublicKey.deserialize(u8(theirs.serialize()));
      expect(ours.bytes).toEqual(u8(theirs.getPublicKeyBytes()));
      const mine = PrivateKey.generate().getPublicKey();
      expect(u8(S.PublicKey.deserialize(buf(mine.serialize())).serialize())).toEqual(mine.serialize());
    }
  });

  it('private keys: same clamping, same public key, same agreement both ways', () => {
    expect(u8(S.PrivateKey.deserialize(Buffer.alloc(32, 0xff)).serialize())).toEqual(
      PrivateKey.deserialize(new Uint8Array(32).fill(0xff)).serialize(),
    );
    for (let i = 0; i < 10; i++) {
      const raw = crypto.getRandomValues(new Uint8Array(32));
      const theirs = S.PrivateKey.deserialize(buf(raw));
      const ours = PrivateKey.deserialize(raw);
      expect(ours.serialize()).toEqual(u8(theirs.serialize()));
      expect(ours.getPublicKey().serialize()).toEqual(u8(theirs.getPublicKey().serialize()));
      const peer = S.PrivateKey.generate();
      const peerPub = PublicKey.deserialize(u8(peer.getPublicKey().serialize()));
      expect(ours.agree(peerPub)).toEqual(u8(peer.agree(theirs.getPublicKey())));
    }
  });

  it('identity key pairs: the 69-byte record reads the same on both sides', () => {
    const theirs = S.IdentityKeyPair.generate();
    const ours = IdentityKeyPair.deserialize(u8(theirs.serialize()));
    expect(ours.serialize()).toEqual(u8(theirs.serialize()));
    const mine = IdentityKeyPair.generate();
    const back = S.IdentityKeyPair.deserialize(buf(mine.serialize()));
    expect(u8(back.publicKey.serialize())).toEqual(mine.publicKey.serialize());
    expect(u8(back.privateKey.serialize())).toEqual(mine.privateKey.serialize());
  });
});

describe('prekey records', () => {
  const identity = IdentityKeyPair.generate();

  it.each([0, 1, 0xffffff])('PreKeyRecord id %i is byte-identical on both sides', (id) => {
    const key = S.PrivateKey.generate();
    const theirs = S.PreKeyRecord.new(id, key.getPublicKey(), key);
    const ours = PreKeyRecord.deserialize(u8(theirs.serialize()));
    expect(ours.id).toBe(id);
    expect(ours.serialize()).toEqual(u8(theirs.serialize()));
    const mine = PreKeyRecord.generate(id);
    expect(u8(S.PreKeyRecord.deserialize(buf(mine.serialize())).serialize())).toEqual(mine.serialize());
  });

  it.each([
    [0, 0],
    [7, 1_700_000_000_123],
  ])(
    'SignedPreKeyRecord (id %i, timestamp %i) is byte-identical; libsignal accepts our signature',
    (id, ts) => {
      const mine = SignedPreKeyRecord.generate(id, identity, ts);
      const theirs = S.SignedPreKeyRecord.deserialize(buf(mine.serialize()));
      expect([theirs.id(), theirs.timestamp()]).toEqual([id, ts]);
      expect(u8(theirs.serialize())).toEqual(mine.serialize());
      const theirIdentity = S.PublicKey.deserialize(buf(identity.publicKey.serialize()));
      expect(theirIdentity.verify(theirs.publicKey().serialize(), theirs.signature())).toBe(true);
      const k = S.PrivateKey.generate();
      const rec = S.SignedPreKeyRecord.new(id, ts, k.getPublicKey(), k, Buffer.alloc(64, 9));
      expect(SignedPreKeyRecord.deserialize(u8(rec.serialize())).serialize()).toEqual(u8(rec.serialize()));
    },
  );

  it('KyberPreKeyRecord: a tacet Kyber key injected into libsignal reads back unchanged, and vice versa', () => {
    const mine = KyberPreKeyRecord.generate(9, identity, 1234);
    const theirs = S.KyberPreKeyRecord.deserialize(buf(mine.serialize()));
    expect(theirs.id()).toBe(9);
    expect(theirs.timestamp()).toBe(1234);
    expect(u8(theirs.publicKey().serialize())).toEqual(mine.keyPair.publicKey.serialize());
    expect(u8(theirs.secretKey().serialize())).toEqual(mine.keyPair.secretKey.serialize());
    expect(u8(theirs.serialize())).toEqual(mine.serialize());
    const theirIdentity = S.PublicKey.deserialize(buf(identity.publicKey.serialize()));
    expect(theirIdentity.verify(theirs.publicKey().serialize(), theirs.signature())).toBe(true);

    const rec = S.KyberPreKeyRecord.new(3, 99, S.KEMKeyPair.generate(), Buffer.alloc(64, 1));
    const ours = KyberPreKeyRecord.deserialize(u8(rec.serialize()));
    expect(ours.keyPair.publicKey.serialize()).toEqual(u8(rec.publicKey().serialize()));
    expect(ours.serialize()).toEqual(u8(rec.serialize()));
  });

  it('libsignal 0.72.1 refuses ML-KEM (0x0A) keys, which tacet keeps for tacet-to-tacet use', () => {
    const ml = KEMKeyPair.generate(0x0a);
    expect(() => S.KEMPublicKey.deserialize(buf(ml.publicKey.serialize()))).toThrow();
  });
});
