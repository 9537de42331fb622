/**
 * Kyber1024 round 3 known answers: the reference implementation's NIST KAT
 * file PQCkemKAT_3168.rsp (100 cases), as shipped in the crystals-kyber
 * package (a dev dependency, used here only as the vector source).
 *
 * The KAT's randomness comes from NIST's AES-256-CTR DRBG seeded with `seed`:
 * key generation draws d then z, encapsulation draws the 32 bytes it hashes
 * into m. Seeded key generation differs from ML-KEM's (G(d) vs G(d‖4),
 * docs/protocol.md §3.1) and is not reproducible on an ML-KEM
 * library, so the vectors check z, encapsulation and decapsulation.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { rngAesCtrDrbg256 } from '@noble/ciphers/aes.js';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/crypto/bytes.js';
import { KEM_TYPE_KYBER1024, kemDecapsulateRaw, kemEncapsulateRaw } from '../../src/crypto/kem.js';
import { backends } from './crypto-backends.js';

const rspPath = createRequire(import.meta.url).resolve('crystals-kyber/PQCkemKAT_3168.rsp');
const cases = readFileSync(rspPath, 'utf8')
  .split(/\n\s*\n/)
  .filter((block) => block.includes('seed = '))
  .map((block) => {
    const f = Object.fromEntries(
      block
        .trim()
        .split('\n')
        .map((line) => line.split(' = ') as [string, string]),
    );
    return {
      count: f.count,
      seed: f.seed ?? '',
      pk: f.pk ?? '',
      sk: f.sk ?? '',
      ct: f.ct ?? '',
      ss: f.ss ?? '',
    };
  });

it('the KAT file has all 100 cases', () => {
  expect(cases.length).toBe(100);
});

// The SHA-3 calls around the ML-KEM core come from the backend, so both run the vectors.
describe.each(backends)('Kyber1024 round 3 KAT (PQCkemKAT_3168.rsp, $name)', (p) => {
  // Each case runs twice: a key's second use goes through the prepared-key cache (kem-prepared.ts).
  it('encapsulation reproduces every ciphertext and shared secret', () => {
    for (const c of cases) {
      for (let pass = 0; pass < 2; pass++) {
        const drbg = rngAesCtrDrbg256(fromHex(c.seed));
        drbg.randomBytes(32); // d: key generation only
        const z = drbg.randomBytes(32);
        expect(toHex(fromHex(c.sk).subarray(3136)), `z, case ${c.count}`).toBe(toHex(z));
        const pk = fromHex(c.pk);
        const { ciphertext, sharedSecret } = kemEncapsulateRaw(
          KEM_TYPE_KYBER1024,
          pk,
          drbg.randomBytes(32),
          p,
        );
        expect(toHex(ciphertext), `ct, case ${c.count}, pass ${pass}`).toBe(c.ct.toLowerCase());
        expect(toHex(sharedSecret), `ss, case ${c.count}, pass ${pass}`).toBe(c.ss.toLowerCase());
      }
    }
  });

  it('decapsulation recovers every shared secret and leaves the key intact', () => {
    for (const c of cases) {
      const sk = fromHex(c.sk);
      for (let pass = 0; pass < 2; pass++) {
        const ss = kemDecapsulateRaw(KEM_TYPE_KYBER1024, sk, fromHex(c.ct), p);
        expect(toHex(ss), `case ${c.count}, pass ${pass}`).toBe(c.ss.toLowerCase());
      }
      expect(toHex(sk)).toBe(c.sk.toLowerCase());
    }
  });
});
