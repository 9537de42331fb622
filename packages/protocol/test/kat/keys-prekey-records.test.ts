/**
 * Prekey records in libsignal's storage layout: exact field layout, round
 * trips, signatures over the typed encodings (docs/protocol.md §1), refusal of broken records.
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/crypto/bytes.js';
import { ProtocolError } from '../../src/errors.js';
import {
  IdentityKeyPair,
  KEM_TYPE_MLKEM1024,
  type KemType,
  KyberPreKeyRecord,
  PreKeyRecord,
  SignedPreKeyRecord,
} from '../../src/keys/index.js';

const identity = IdentityKeyPair.generate();

describe('prekey records', () => {
  it('PreKeyRecord is {1 id, 2 public(33), 3 private(32)} and round-trips', () => {
    const rec = PreKeyRecord.generate(300);
    const bytes = rec.serialize();
    expect(toHex(bytes.subarray(0, 5))).toBe('08ac021221');
    const back = PreKeyRecord.deserialize(bytes);
    expect(back.id).toBe(300);
    expect(back.keyPair.publicKey.equals(rec.keyPair.publicKey)).toBe(true);
    expect(back.keyPair.privateKey.serialize()).toEqual(rec.keyPair.privateKey.serialize());
  });

  it('SignedPreKeyRecord is signed over the 33-byte key and round-trips with its fixed64 timestamp', () => {
    const rec = SignedPreKeyRecord.generate(7, identity, 1_700_000_000_123);
    expect(identity.publicKey.verifySignature(rec.keyPair.publicKey.serialize(), rec.signature)).toBe(true);
    const bytes = rec.serialize();
    expect(bytes[bytes.length - 9]).toBe(0x29); // field 5, wire type 1
    const back = SignedPreKeyRecord.deserialize(bytes);
    expect(back.id).toBe(7);
    expect(back.timestamp).toBe(1_700_000_000_123);
    expect(back.signature).toEqual(rec.signature);
    expect(back.keyPair.publicKey.equals(rec.keyPair.publicKey)).toBe(true);
  });

  it.each([undefined, KEM_TYPE_MLKEM1024])(
    'KyberPreKeyRecord (type %s) is signed over the 1569 bytes and round-trips',
    (type) => {
      const rec = KyberPreKeyRecord.generate(9, identity, 42, type as KemType | undefined);
      expect(identity.publicKey.verifySignature(rec.keyPair.publicKey.serialize(), rec.signature)).toBe(true);
      expect(identity.publicKey.verifySignature(rec.keyPair.publicKey.bytes, rec.signature)).toBe(false);
      const back = KyberPreKeyRecord.deserialize(rec.serialize());
      expect(back.id).toBe(9);
      expect(back.timestamp).toBe(42);
      expect(back.keyPair.publicKey.equals(rec.keyPair.publicKey)).toBe(true);
      expect(back.keyPair.secretKey.serialize()).toEqual(rec.keyPair.secretKey.serialize());
    },
  );

  it('refuses records whose keys are missing or truncated with a ProtocolError', () => {
    const bytes = SignedPreKeyRecord.generate(1, identity, 5).serialize();
    // Cuts inside or before the key fields; id, signature and timestamp may be absent (proto3 defaults).
    for (const cut of [0, 2, 10, 36, 40, 70]) {
      expect(() => SignedPreKeyRecord.deserialize(bytes.subarray(0, cut))).toThrow(ProtocolError);
    }
    // A cut inside the signature leaves a length that runs past the end.
    expect(() => SignedPreKeyRecord.deserialize(bytes.subarray(0, 80))).toThrow(ProtocolError);
  });

  it('reads absent id, signature and timestamp as proto3 defaults', () => {
    const { keyPair } = SignedPreKeyRecord.generate(1, identity, 1);
    const bytes = new SignedPreKeyRecord(0, 0, keyPair, new Uint8Array(0)).serialize();
    expect(bytes[0]).toBe(0x12); // starts with field 2: nothing written for the zero id
    const rec = SignedPreKeyRecord.deserialize(bytes);
    expect([rec.id, rec.timestamp, rec.signature.length]).toEqual([0, 0, 0]);
  });
});
