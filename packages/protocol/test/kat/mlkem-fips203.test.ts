/**
 * tacet's FIPS 203 ML-KEM (src/crypto/mlkem.ts), run over each backend's
 * SHA-3 (OpenSSL on Node, @noble/hashes elsewhere), gives byte for byte what
 * @noble/post-quantum's ml_kem768 / ml_kem1024 give: keys from a seed,
 * ciphertexts and secrets from a key and m, decapsulated secrets for valid
 * and tampered ciphertexts (implicit rejection); and it refuses what FIPS 203
 * §7 says to refuse, with typed errors.
 */

import { shake128 } from '@noble/hashes/sha3.js';
import { genCrystals } from '@noble/post-quantum/_crystals.js';
import { ml_kem768, ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/crypto/bytes.js';
import {
  ML_KEM_768,
  ML_KEM_1024,
  mlKemDecapsulate,
  mlKemEncapsulate,
  mlKemKeygen,
  mlKemSizes,
  prepareMlKemKey,
} from '../../src/crypto/mlkem.js';
import {
  coder12,
  compressCoder,
  type MlKemHashes,
  N,
  ntt,
  nttInverse,
  POLY_BYTES,
  type Poly,
  polyAddInto,
  polySubInto,
  Q,
  sampleNtt,
} from '../../src/crypto/mlkem-poly.js';
import { seededBytes } from '../support/delivery-schedule.js';
import { codeOf } from '../support/error-code.js';
import { backends } from './crypto-backends.js';

const seeded = seededBytes;

const SETS = [
  { name: 'ML-KEM-768', params: ML_KEM_768, noble: ml_kem768 },
  { name: 'ML-KEM-1024', params: ML_KEM_1024, noble: ml_kem1024 },
];

describe.each(backends)('FIPS 203 ML-KEM on the $name hashes', (h) => {
  describe.each(SETS)('$name', ({ params, noble }) => {
    it('has the FIPS 203 Table 3 sizes', () => {
      const sizes = mlKemSizes(params);
      expect(sizes.publicKey).toBe(noble.lengths.publicKey);
      expect(sizes.secretKey).toBe(noble.lengths.secretKey);
      expect(sizes.ciphertext).toBe(noble.lengths.cipherText);
    });

    it.each(Array.from({ length: 6 }, (_, i) => i))(
      'keygen, encapsulate and decapsulate equal @noble/post-quantum (vector %i)',
      (i) => {
        const seed = seeded(300 + i, 64);
        const ours = mlKemKeygen(params, seed, h);
        const theirs = noble.keygen(seed);
        expect(toHex(ours.publicKey)).toBe(toHex(theirs.publicKey));
        expect(toHex(ours.secretKey)).toBe(toHex(theirs.secretKey));

        const m = seeded(400 + i, 32);
        const key = prepareMlKemKey(params, ours.publicKey, h);
        const sent = mlKemEncapsulate(key, m, h);
        const expected = noble.encapsulate(theirs.publicKey, m);
        expect(toHex(sent.ciphertext)).toBe(toHex(expected.cipherText));
        expect(sent.sharedSecret).toEqual(expected.sharedSecret);
        expect(mlKemDecapsulate(params, ours.secretKey, sent.ciphertext, undefined, h)).toEqual(
          expected.sharedSecret,
        );
        expect(mlKemDecapsulate(params, ours.secretKey, sent.ciphertext, key, h)).toEqual(
          expected.sharedSecret,
        );
      },
    );

    it('a tampered ciphertext yields J(z ‖ c), exactly the secret @noble/post-quantum rejects with', () => {
      const { publicKey, secretKey } = mlKemKeygen(params, seeded(7, 64), h);
      const { ciphertext, sharedSecret } = mlKemEncapsulate(
        prepareMlKemKey(params, publicKey, h),
        seeded(8, 32),
        h,
      );
      for (const at of [0, 100, ciphertext.length - 1]) {
        const bad = ciphertext.slice();
        bad[at] = (bad[at] as number) ^ 0x04;
        const rejected = mlKemDecapsulate(params, secretKey, bad, undefined, h);
        expect(rejected).not.toEqual(sharedSecret);
        expect(rejected).toEqual(noble.decapsulate(bad, secretKey));
      }
    });

    it('refuses a public key failing the modulus check, a corrupted secret key and wrong lengths', () => {
      const { publicKey, secretKey } = mlKemKeygen(params, seeded(9, 64), h);
      const unreduced = publicKey.slice();
      unreduced[0] = 0xff;
      unreduced[1] = (unreduced[1] as number) | 0x0f; // coefficient 0 = 4095 ≥ q
      expect(codeOf(() => prepareMlKemKey(params, unreduced, h))).toBe('InvalidKey');
      expect(codeOf(() => prepareMlKemKey(params, publicKey.subarray(1), h))).toBe('InvalidKey');
      const { ciphertext } = mlKemEncapsulate(prepareMlKemKey(params, publicKey, h), seeded(10, 32), h);
      const corrupted = secretKey.slice();
      const inHash = mlKemSizes(params).secretKey - 40; // inside H(ek)
      corrupted[inHash] = (corrupted[inHash] as number) ^ 1;
      expect(codeOf(() => mlKemDecapsulate(params, corrupted, ciphertext, undefined, h))).toBe('InvalidKey');
      expect(codeOf(() => mlKemDecapsulate(params, secretKey.subarray(1), ciphertext, undefined, h))).toBe(
        'InvalidKey',
      );
      expect(codeOf(() => mlKemDecapsulate(params, secretKey, ciphertext.subarray(1), undefined, h))).toBe(
        'InvalidMessage',
      );
    });
  });
});

describe('SampleNTT', () => {
  it('draws a longer stream when three SHAKE-128 blocks do not fill the polynomial', () => {
    // A prefix-stable stream whose first 600 bytes are all rejected (0xfff ≥ q), then real SHAKE-128 output.
    const tail = shake128(seeded(11, 34), { dkLen: 2000 });
    const stream = new Uint8Array(600 + tail.length).fill(0xff);
    stream.set(tail, 600);
    const h = { shake128: (_: Uint8Array, length: number) => stream.slice(0, length) } as MlKemHashes;
    const poly = sampleNtt(h, new Uint8Array(32), 0, 0);
    const expected: number[] = [];
    for (let i = 0; expected.length < N; i += 3) {
      const d1 = (stream[i] as number) | (((stream[i + 1] as number) & 0x0f) << 8);
      const d2 = ((stream[i + 1] as number) >> 4) | ((stream[i + 2] as number) << 4);
      if (d1 < Q) expected.push(d1);
      if (expected.length < N && d2 < Q) expected.push(d2);
    }
    expect([...poly]).toEqual(expected);
  });
});

// The generic bit packer of noble's audited code, which coder12 and compressCoder replaced.
const nobleCrystals = genCrystals({
  N,
  Q,
  F: 3303,
  ROOT_OF_UNITY: 17,
  newPoly: (n: number) => new Uint16Array(n),
  brvBits: 7,
  isKyber: true,
});

describe.each([1, 4, 5, 10, 11])('Compress_%i with ByteEncode / ByteDecode', (d) => {
  const noble = nobleCrystals.bitsCoder(d, {
    encode: (x: number) => Math.floor(((x << (d + 1)) + Q) / (2 * Q)),
    decode: (y: number) => (y * Q + (1 << (d - 1))) >>> d,
  });
  const ours = compressCoder(d);

  it('encodes every coefficient below q as noble does', () => {
    const all = Array.from({ length: Q }, (_, x) => x);
    for (let start = 0; start < Q; start += N) {
      const poly = new Uint16Array(N).map((_, j) => all[(start + j) % Q] as number);
      expect(toHex(ours.encode(poly))).toBe(toHex(noble.encode(poly)));
    }
  });

  it('decodes byte strings as noble does', () => {
    const inputs: Uint8Array[] = [new Uint8Array(32 * d).fill(0xff), new Uint8Array(32 * d)];
    for (let i = 0; i < 30; i++) inputs.push(seeded(300 + 31 * d + i, 32 * d));
    for (const bytes of inputs) expect([...ours.decode(bytes)]).toEqual([...noble.decode(bytes)]);
  });
});

describe('NTT, NTT⁻¹ and coefficient sums (branch-free reductions)', () => {
  /** Polynomials with coefficients below `bound`: all zero, all bound − 1, and seeded ones. */
  function polys(bound: number, seed: number): Poly[] {
    const out: Poly[] = [new Uint16Array(N), new Uint16Array(N).fill(bound - 1)];
    for (let i = 0; i < 40; i++) {
      const bytes = seeded(seed + i, 2 * N);
      out.push(
        new Uint16Array(N).map(
          (_, j) => (((bytes[2 * j] as number) << 8) | (bytes[2 * j + 1] as number)) % bound,
        ),
      );
    }
    return out;
  }

  it('NTT equals noble on reduced inputs, and reduces raw 12-bit inputs as their residues', () => {
    for (const p of polys(Q, 700))
      expect([...ntt(p.slice())]).toEqual([...nobleCrystals.NTT.encode(p.slice())]);
    for (const p of polys(4096, 800)) {
      const out = ntt(p.slice());
      expect([...out]).toEqual([...nobleCrystals.NTT.encode(p.map((c) => c % Q))]);
      expect(Math.max(...out)).toBeLessThan(Q);
    }
  });

  it('NTT⁻¹ equals noble and inverts the NTT', () => {
    for (const p of polys(Q, 900)) {
      expect([...nttInverse(p.slice())]).toEqual([...nobleCrystals.NTT.decode(p.slice())]);
      expect([...nttInverse(ntt(p.slice()))]).toEqual([...p]);
    }
  });

  it('adds and subtracts modulo q', () => {
    const as = polys(Q, 1000);
    const bs = polys(Q, 1100).reverse();
    for (let i = 0; i < as.length; i++) {
      const a = as[i] as Poly;
      const b = bs[i] as Poly;
      const sum = a.slice();
      polyAddInto(sum, b);
      expect([...sum]).toEqual([...a].map((c, j) => (c + (b[j] as number)) % Q));
      const difference = a.slice();
      polySubInto(difference, b);
      expect([...difference]).toEqual([...a].map((c, j) => (c - (b[j] as number) + Q) % Q));
    }
  });
});

describe('ByteEncode12 / ByteDecode12', () => {
  const noble12 = nobleCrystals.bitsCoder(12, { encode: (x: number) => x, decode: (x: number) => x });

  it('decodes every byte string as noble does, keeping values ≥ q for the modulus check', () => {
    const inputs: Uint8Array[] = [new Uint8Array(POLY_BYTES).fill(0xff), new Uint8Array(POLY_BYTES)];
    for (let i = 0; i < 50; i++) inputs.push(seeded(100 + i, POLY_BYTES));
    for (const bytes of inputs) expect([...coder12.decode(bytes)]).toEqual([...noble12.decode(bytes)]);
    expect(Math.max(...coder12.decode(inputs[0] as Uint8Array))).toBe(0xfff);
  });

  it('encodes as noble does and round-trips', () => {
    for (let i = 0; i < 50; i++) {
      const bytes = seeded(200 + i, 2 * N);
      const poly = new Uint16Array(N).map(
        (_, j) => (((bytes[2 * j] as number) << 8) | (bytes[2 * j + 1] as number)) % Q,
      );
      const encoded = coder12.encode(poly);
      expect(toHex(encoded)).toBe(toHex(noble12.encode(poly)));
      expect([...coder12.decode(encoded)]).toEqual([...poly]);
    }
  });

  it('refuses a wrong length', () => {
    expect(() => coder12.decode(new Uint8Array(POLY_BYTES - 1))).toThrow(RangeError);
  });
});
