/**
 * The incremental ML-KEM-768 interface (src/spqr/incremental-mlkem.ts) is
 * plain FIPS 203 ML-KEM-768 split in two: header + vector give back the FIPS
 * encapsulation key, and ct1 ‖ ct2 with its secret equal what
 * @noble/post-quantum's ml_kem768.encapsulate gives for the same key and m.
 */
import { sha3_256 } from '@noble/hashes/sha3.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { describe, expect, it } from 'vitest';
import { concatBytes, toHex } from '../../src/crypto/bytes.js';
import {
  CIPHERTEXT1_SIZE,
  CIPHERTEXT2_SIZE,
  decapsulate,
  ENCAPSULATION_KEY_SIZE,
  encapsulate1,
  encapsulate2,
  encapsulationKeyMatchesHeader,
  generateKeys,
  HEADER_SIZE,
} from '../../src/spqr/incremental-mlkem.js';
import { seededBytes } from '../support/delivery-schedule.js';

const seeded = seededBytes;

describe('incremental ML-KEM-768 equals FIPS 203 ML-KEM-768', () => {
  it('header ‖ vector rebuild the FIPS encapsulation key, with the sizes SPQR sends', () => {
    const seed = seeded(1, 64);
    const keys = generateKeys(seed);
    const fips = ml_kem768.keygen(seed);
    expect(keys.header.length).toBe(HEADER_SIZE);
    expect(keys.encapsulationKey.length).toBe(ENCAPSULATION_KEY_SIZE);
    expect(concatBytes(keys.encapsulationKey, keys.header.subarray(0, 32))).toEqual(fips.publicKey);
    expect(keys.header.subarray(32)).toEqual(sha3_256(fips.publicKey));
    expect(keys.decapsulationKey).toEqual(fips.secretKey);
  });

  it.each(Array.from({ length: 24 }, (_, i) => i))(
    'encapsulate1 + encapsulate2 = ml_kem768.encapsulate (vector %i)',
    (i) => {
      const keys = generateKeys(seeded(100 + i, 64));
      const m = seeded(200 + i, 32);
      const first = encapsulate1(keys.header, m);
      const ct2 = encapsulate2(keys.encapsulationKey, first.state);
      const fips = ml_kem768.encapsulate(concatBytes(keys.encapsulationKey, keys.header.subarray(0, 32)), m);
      expect(first.ciphertext1.length).toBe(CIPHERTEXT1_SIZE);
      expect(ct2.length).toBe(CIPHERTEXT2_SIZE);
      expect(toHex(concatBytes(first.ciphertext1, ct2))).toBe(toHex(fips.cipherText));
      expect(first.sharedSecret).toEqual(fips.sharedSecret);
      expect(decapsulate(keys.decapsulationKey, first.ciphertext1, ct2)).toEqual(fips.sharedSecret);
    },
  );

  it('a tampered ct1 decapsulates to an unrelated secret (implicit rejection)', () => {
    const keys = generateKeys(seeded(3, 64));
    const first = encapsulate1(keys.header, seeded(4, 32));
    const ct2 = encapsulate2(keys.encapsulationKey, first.state);
    const bad = first.ciphertext1.slice();
    bad[17] = (bad[17] as number) ^ 1;
    expect(decapsulate(keys.decapsulationKey, bad, ct2)).not.toEqual(first.sharedSecret);
  });
});

describe('encapsulationKeyMatchesHeader', () => {
  const keys = generateKeys(seeded(5, 64));

  it('accepts the vector of its own header', () => {
    expect(encapsulationKeyMatchesHeader(keys.encapsulationKey, keys.header)).toBe(true);
  });

  it('refuses a vector with one flipped bit, another key pair, and wrong lengths', () => {
    const flipped = keys.encapsulationKey.slice();
    flipped[500] = (flipped[500] as number) ^ 0x10;
    expect(encapsulationKeyMatchesHeader(flipped, keys.header)).toBe(false);
    expect(encapsulationKeyMatchesHeader(generateKeys(seeded(6, 64)).encapsulationKey, keys.header)).toBe(
      false,
    );
    expect(encapsulationKeyMatchesHeader(keys.encapsulationKey.subarray(1), keys.header)).toBe(false);
  });

  it('refuses a non-canonical coefficient (>= q) even when the hash is recomputed to match', () => {
    const ek = keys.encapsulationKey.slice();
    ek[0] = 0xff; // first 12-bit coefficient becomes 0x?ff with the low nibble of ek[1]
    ek[1] = (ek[1] as number) | 0x0f; // coefficient 0xfff = 4095 >= q
    const rho = keys.header.subarray(0, 32);
    const header = concatBytes(rho, sha3_256(concatBytes(ek, rho)));
    expect(encapsulationKeyMatchesHeader(ek, header)).toBe(false);
  });
});
