/**
 * Kyber1024 round 3 (type 0x08) against an independent implementation,
 * crystals-kyber@5 (dev dependency, test oracle only: unaudited, not
 * constant-time). Both directions, plus tampered ciphertexts, where only a
 * correct implicit-rejection branch (SHAKE256(z ‖ H(c))) agrees.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  KEM_TYPE_KYBER1024,
  kemDecapsulateRaw,
  kemEncapsulateRaw,
  kemGenerateRaw,
} from '../../src/crypto/kem.js';
import { backends } from '../kat/crypto-backends.js';

interface CrystalsKyber {
  KeyGen1024(): [number[], number[]];
  Encrypt1024(pk: number[]): [number[], number[]];
  Decrypt1024(c: number[], sk: number[]): number[];
}
const kyber = createRequire(import.meta.url)('crystals-kyber') as CrystalsKyber;
const bytes = (a: number[]) => Uint8Array.from(a);
const plain = (a: Uint8Array) => Array.from(a);

describe.each(backends)('Kyber1024 r3 interop with crystals-kyber ($name hashes)', (p) => {
  it('crystals-kyber decapsulates what tacet encapsulates', () => {
    for (let i = 0; i < 5; i++) {
      const [pk, sk] = kyber.KeyGen1024();
      const { ciphertext, sharedSecret } = kemEncapsulateRaw(KEM_TYPE_KYBER1024, bytes(pk), undefined, p);
      expect(bytes(kyber.Decrypt1024(plain(ciphertext), sk))).toEqual(sharedSecret);
    }
  });

  it('tacet decapsulates what crystals-kyber encapsulates to a tacet key', () => {
    for (let i = 0; i < 5; i++) {
      const { publicKey, secretKey } = kemGenerateRaw(KEM_TYPE_KYBER1024);
      const [c, ss] = kyber.Encrypt1024(plain(publicKey));
      expect(kemDecapsulateRaw(KEM_TYPE_KYBER1024, secretKey, bytes(c), p)).toEqual(bytes(ss));
    }
  });

  it('tampered ciphertexts: both reject implicitly to the same secret', () => {
    const { publicKey, secretKey } = kemGenerateRaw(KEM_TYPE_KYBER1024);
    const { ciphertext, sharedSecret } = kemEncapsulateRaw(KEM_TYPE_KYBER1024, publicKey, undefined, p);
    const positions = [0, 1, 100, 767, 768, 1000, 1407, 1408, 1500, 1567];
    for (const [n, pos] of positions.entries()) {
      const t = ciphertext.slice();
      t[pos] = (t[pos] as number) ^ (1 << (n % 8));
      const ours = kemDecapsulateRaw(KEM_TYPE_KYBER1024, secretKey, t, p);
      expect(ours, `byte ${pos}`).not.toEqual(sharedSecret);
      expect(ours, `byte ${pos}`).toEqual(bytes(kyber.Decrypt1024(plain(t), plain(secretKey))));
    }
  });
});
