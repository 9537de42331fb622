/**
 * Fuzzing every key and record decoder of outside bytes: 10 000 inputs each
 * (5 000 random, 5 000 mutated valid encodings); only ProtocolError may escape.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  IdentityKeyPair,
  KEMKeyPair,
  KEMPublicKey,
  KEMSecretKey,
  KyberPreKeyRecord,
  PreKeyRecord,
  PrivateKey,
  PublicKey,
  SignedPreKeyRecord,
} from '../../src/keys/index.js';
import { fuzzDecoder } from './foundation-mutations.js';

// A handful of valid encodings to mutate (key generation is the slow part, so reuse them).
const identity = IdentityKeyPair.generate();
const pick = (items: Uint8Array[]) => fc.constantFrom(...items);
const publicKeys = pick(Array.from({ length: 4 }, () => PrivateKey.generate().getPublicKey().serialize()));
const kemPairs = [KEMKeyPair.generate(0x08), KEMKeyPair.generate(0x0a)];
const kyberRecords = [
  KyberPreKeyRecord.generate(1, identity, 1_700_000_000_000).serialize(),
  new KyberPreKeyRecord(0, 0, kemPairs[1] as KEMKeyPair, new Uint8Array(0)).serialize(),
];

describe('key decoders under fuzzing', () => {
  it('PublicKey.deserialize', () => {
    fuzzDecoder((b) => PublicKey.deserialize(b), publicKeys, 40);
  });

  it('PrivateKey.deserialize', () => {
    fuzzDecoder((b) => PrivateKey.deserialize(b), pick([PrivateKey.generate().serialize()]), 40);
  });

  it('KEMPublicKey.deserialize and KEMSecretKey.deserialize', () => {
    fuzzDecoder((b) => KEMPublicKey.deserialize(b), pick(kemPairs.map((p) => p.publicKey.serialize())), 1600);
    fuzzDecoder((b) => KEMSecretKey.deserialize(b), pick(kemPairs.map((p) => p.secretKey.serialize())), 3200);
  });

  it('IdentityKeyPair.deserialize', () => {
    fuzzDecoder(
      (b) => IdentityKeyPair.deserialize(b),
      pick([identity.serialize(), IdentityKeyPair.generate().serialize()]),
      100,
    );
  });

  it('PreKeyRecord, SignedPreKeyRecord and KyberPreKeyRecord deserialize', () => {
    const preKeys = pick([PreKeyRecord.generate(5).serialize(), PreKeyRecord.generate(0).serialize()]);
    fuzzDecoder((b) => PreKeyRecord.deserialize(b).serialize(), preKeys, 100);
    const signed = pick([SignedPreKeyRecord.generate(9, identity, 123).serialize()]);
    fuzzDecoder((b) => SignedPreKeyRecord.deserialize(b).serialize(), signed, 200);
    fuzzDecoder((b) => KyberPreKeyRecord.deserialize(b).serialize(), pick(kyberRecords), 5000);
  });

  it('a mutated record that still parses re-serializes to a parseable record', () => {
    const signed = SignedPreKeyRecord.generate(9, identity, 123).serialize();
    let parsed = 0;
    for (let i = 0; i < signed.length; i++) {
      const t = signed.slice();
      t[i] = (t[i] as number) ^ 0x01;
      try {
        const rec = SignedPreKeyRecord.deserialize(t);
        expect(SignedPreKeyRecord.deserialize(rec.serialize()).id).toBe(rec.id);
        parsed++;
      } catch {
        // refusals are covered above
      }
    }
    expect(parsed).toBeGreaterThan(0);
  });
});
