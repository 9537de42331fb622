/**
 * KEM keys and operations (docs/protocol.md §1, §3.1): both accepted
 * types round-trip, the secret agrees, tampering gives an unrelated secret
 * (implicit rejection), and every other type byte is refused.
 */
import { describe, expect, it } from 'vitest';
import {
  KEM_TYPE_KYBER1024,
  KEM_TYPE_MLKEM1024,
  KEMKeyPair,
  KEMPublicKey,
  KEMSecretKey,
  type KemType,
  kemDecapsulate,
  kemEncapsulate,
} from '../../src/keys/index.js';
import { codeOf } from '../support/error-code.js';

describe.each([KEM_TYPE_KYBER1024, KEM_TYPE_MLKEM1024])('KEM type %i', (type) => {
  const pair = KEMKeyPair.generate(type as KemType);

  it('serializes keys with the type byte (1569 / 3169 bytes) and round-trips them', () => {
    const pub = pair.publicKey.serialize();
    const sec = pair.secretKey.serialize();
    expect(pub.length).toBe(1569);
    expect(sec.length).toBe(3169);
    expect(pub[0]).toBe(type);
    expect(sec[0]).toBe(type);
    expect(KEMPublicKey.deserialize(pub).equals(pair.publicKey)).toBe(true);
    expect(KEMSecretKey.deserialize(sec).serialize()).toEqual(sec);
    // The secret key embeds the public key (dk_pke ‖ pk ‖ H(pk) ‖ z).
    expect(sec.subarray(1 + 1536, 1 + 1536 + 1568)).toEqual(pub.subarray(1));
  });

  it('encapsulation and decapsulation agree; the ciphertext carries the type byte', () => {
    const { ciphertext, sharedSecret } = kemEncapsulate(pair.publicKey);
    expect(ciphertext.length).toBe(1569);
    expect(ciphertext[0]).toBe(type);
    expect(sharedSecret.length).toBe(32);
    expect(kemDecapsulate(pair.secretKey, ciphertext)).toEqual(sharedSecret);
  });

  it('a tampered ciphertext gives a different secret, deterministically (implicit reject)', () => {
    const { ciphertext, sharedSecret } = kemEncapsulate(pair.publicKey);
    const t = ciphertext.slice();
    t[100] = (t[100] as number) ^ 1;
    const a = kemDecapsulate(pair.secretKey, t);
    expect(a).not.toEqual(sharedSecret);
    expect(kemDecapsulate(pair.secretKey, t)).toEqual(a);
  });

  it('refuses ciphertexts of the wrong type or length', () => {
    const { ciphertext } = kemEncapsulate(pair.publicKey);
    const other = ciphertext.slice();
    other[0] = type === KEM_TYPE_KYBER1024 ? KEM_TYPE_MLKEM1024 : KEM_TYPE_KYBER1024;
    expect(codeOf(() => kemDecapsulate(pair.secretKey, other))).toBe('InvalidMessage');
    expect(codeOf(() => kemDecapsulate(pair.secretKey, ciphertext.subarray(0, 1568)))).toBe('InvalidMessage');
  });
});

describe('KEM type bytes', () => {
  it('refuses 0x07, 0x09 and others for keys, with InvalidKey', () => {
    const pub = KEMKeyPair.generate().publicKey.serialize();
    for (const t of [0x00, 0x05, 0x07, 0x09, 0x0b, 0xff]) {
      const b = pub.slice();
      b[0] = t;
      expect(codeOf(() => KEMPublicKey.deserialize(b))).toBe('InvalidKey');
    }
    expect(codeOf(() => KEMPublicKey.deserialize(pub.subarray(0, 1568)))).toBe('InvalidKey');
    expect(codeOf(() => KEMPublicKey.deserialize(new Uint8Array(0)))).toBe('InvalidKey');
  });

  it('Kyber r3 and ML-KEM derive different secrets from the same ciphertext', () => {
    const pair = KEMKeyPair.generate(KEM_TYPE_KYBER1024);
    const { ciphertext, sharedSecret } = kemEncapsulate(pair.publicKey);
    const asMl = KEMSecretKey.deserialize(Uint8Array.of(KEM_TYPE_MLKEM1024, ...pair.secretKey.bytes));
    expect(kemDecapsulate(asMl, Uint8Array.of(KEM_TYPE_MLKEM1024, ...ciphertext.subarray(1)))).not.toEqual(
      sharedSecret,
    );
  });

  it('refuses a public key that fails the modulus check (policy), with InvalidKey', () => {
    const pub = KEMKeyPair.generate().publicKey.serialize();
    pub[1] = 0xff;
    pub[2] = 0xff; // first 12-bit coefficient becomes 4095 ≥ q
    expect(codeOf(() => kemEncapsulate(KEMPublicKey.deserialize(pub)))).toBe('InvalidKey');
  });
});

describe('repeated use of one key (prepared-key cache)', () => {
  it.each([KEM_TYPE_KYBER1024, KEM_TYPE_MLKEM1024])(
    'type %i: many encapsulations to one key all decapsulate, also from fresh copies',
    (type) => {
      const pair = KEMKeyPair.generate(type as KemType);
      const copyPub = () => KEMPublicKey.deserialize(pair.publicKey.serialize());
      const copySec = () => KEMSecretKey.deserialize(pair.secretKey.serialize());
      for (let i = 0; i < 4; i++) {
        const { ciphertext, sharedSecret } = kemEncapsulate(i % 2 ? copyPub() : pair.publicKey);
        expect(kemDecapsulate(i % 2 ? pair.secretKey : copySec(), ciphertext)).toEqual(sharedSecret);
        const t = ciphertext.slice();
        t[7] = (t[7] as number) ^ 0x10;
        expect(kemDecapsulate(copySec(), t)).toEqual(kemDecapsulate(pair.secretKey, t));
        expect(kemDecapsulate(copySec(), t)).not.toEqual(sharedSecret);
      }
    },
  );

  it('a secret key whose stored H(pk) is corrupted is refused on every use', () => {
    const pair = KEMKeyPair.generate();
    const { ciphertext } = kemEncapsulate(pair.publicKey);
    const bad = pair.secretKey.serialize();
    bad[1 + 3104] = (bad[1 + 3104] as number) ^ 1;
    for (let i = 0; i < 3; i++)
      expect(codeOf(() => kemDecapsulate(KEMSecretKey.deserialize(bad), ciphertext))).toBe('InvalidKey');
  });
});
