/**
 * The polynomial steps of FIPS 203 (ML-KEM) that every parameter set shares:
 * the NTT zetas of @noble/post-quantum (its audited `genCrystals`), the NTT
 * and bit packing spelled out after it (tested equal to it), and the samplers
 * and NTT-domain products written from FIPS 203's Algorithms 7, 8, 11 and 12. The hashes come from the caller (`MlKemHashes`),
 * so Node runs them on OpenSSL's SHA-3 and the browser on @noble/hashes; the
 * answers are the same (test/kat/mlkem-fips203.test.ts).
 *
 * Owns: polynomial arithmetic mod q = 3329 and its byte forms. Not: key
 * layouts or the Fujisaki-Okamoto transform (mlkem.ts).
 */
import { genCrystals } from '@noble/post-quantum/_crystals.js';
import { concatBytes } from './bytes.js';
import type { Primitives } from './primitives.js';

export const N = 256;
export const Q = 3329;

/** The hashes ML-KEM is defined over (FIPS 203 §4.1): H, G, J, PRF and XOF. */
export type MlKemHashes = Pick<Primitives, 'sha3_256' | 'sha3_512' | 'shake128' | 'shake256'>;

export type Poly = Uint16Array<ArrayBuffer>;

const crystals = genCrystals({
  N,
  Q,
  F: 3303,
  ROOT_OF_UNITY: 17,
  newPoly: (n: number) => new Uint16Array(n),
  brvBits: 7,
  isKyber: true,
});

/** ζ^BitRev7(i) mod q for i < 128 (FIPS 203 Appendix A), from the audited table. */
const zetas = Uint16Array.from(crystals.nttZetas.slice(0, 128));

/**
 * x mod q for 0 ≤ x < 2q, without a branch: the NTT's corrections depend on
 * the data, and as branches they were mispredicted about half the time
 * (most of an NTT's cost).
 */
function reduceOnce(x: number): number {
  const y = x - Q;
  return y + ((y >> 31) & Q);
}

/**
 * ⌊ζ·2¹⁶/q⌋ for each zeta (Shoup's precomputed quotient): for 0 ≤ b < 2¹⁶,
 * ζ·b − q·⌊ζ'·b/2¹⁶⌋ is ζ·b mod q or that plus q, with 32-bit integer
 * operations only.
 */
const zetaQuotients = Uint32Array.from(zetas, (z) => Math.floor((z * 65536) / Q));

/** ζ·b mod q plus 0 or q (below 2q), for 0 ≤ b < 2¹⁶ (see zetaQuotients). */
function mulZeta(zeta: number, quotient: number, b: number): number {
  return Math.imul(zeta, b) - Math.imul(Math.imul(quotient, b) >>> 16, Q);
}

/**
 * FIPS 203 Algorithm 9: NTT, in place, on coefficients in [0, 2¹²) (below
 * q, or raw 12-bit decodes), with the result reduced into [0, q). Spelled
 * out rather than through noble's generic FFT loop (one closure call per
 * field operation); equal to it on every input tested
 * (test/kat/mlkem-fips203.test.ts). The butterflies reduce lazily: each
 * layer adds below 2q to a coefficient's bound (t < 2q; a − t + 2q > 0),
 * so after seven layers every value stays below 2¹² + 14q < 2¹⁶, what a
 * Uint16Array and mulZeta take; one pass reduces at the end.
 */
export function ntt(f: Poly): Poly {
  let k = 1;
  for (let len = 128; len >= 2; len >>= 1) {
    for (let start = 0; start < N; start += 2 * len) {
      const zeta = zetas[k] as number;
      const quotient = zetaQuotients[k++] as number;
      for (let j = start; j < start + len; j++) {
        const t = mulZeta(zeta, quotient, f[j + len] as number);
        const a = f[j] as number;
        f[j + len] = a - t + 2 * Q;
        f[j] = a + t;
      }
    }
  }
  for (let i = 0; i < N; i++) f[i] = (f[i] as number) % Q;
  return f;
}

/** 128⁻¹ mod q, the final scaling of Algorithm 10. */
const INVERSE_128 = 3303;

/** FIPS 203 Algorithm 10: NTT⁻¹, in place, on coefficients in [0, q); every step reduced without a branch. */
export function nttInverse(f: Poly): Poly {
  let k = 127;
  for (let len = 2; len <= 128; len <<= 1) {
    for (let start = 0; start < N; start += 2 * len) {
      const zeta = zetas[k] as number;
      const quotient = zetaQuotients[k--] as number;
      for (let j = start; j < start + len; j++) {
        const t = f[j] as number;
        const b = f[j + len] as number;
        f[j] = reduceOnce(t + b);
        f[j + len] = reduceOnce(mulZeta(zeta, quotient, b - t + Q));
      }
    }
  }
  for (let i = 0; i < N; i++) f[i] = Math.imul(f[i] as number, INVERSE_128) % Q;
  return f;
}

export interface PolyCoder {
  encode(p: Poly): Uint8Array;
  decode(bytes: Uint8Array): Poly;
}

/**
 * FIPS 203 §4.2.1 Compress_d / Decompress_d folded into ByteEncode_d /
 * ByteDecode_d: noble's little-endian bit packing (its `bitsCoder`) with
 * the rounding written into the loop, where noble calls a closure per
 * coefficient (a third of the packing time of a ciphertext). Equal to noble's
 * coder for every d ML-KEM uses (test/kat/mlkem-fips203.test.ts).
 */
export function compressCoder(d: number): PolyCoder {
  const mask = (1 << d) - 1;
  const half = 1 << (d - 1);
  const bytesLength = (N * d) / 8;
  return {
    encode(p: Poly): Uint8Array {
      const out = new Uint8Array(bytesLength);
      for (let i = 0, buf = 0, bits = 0, pos = 0; i < N; i++) {
        const y = Math.floor((((p[i] as number) << (d + 1)) + Q) / (2 * Q)) & mask;
        buf |= y << bits;
        bits += d;
        for (; bits >= 8; bits -= 8, buf >>>= 8) out[pos++] = buf & 0xff;
      }
      return out;
    },
    decode(bytes: Uint8Array): Poly {
      const r = new Uint16Array(N);
      for (let i = 0, buf = 0, bits = 0, pos = 0; i < bytes.length; i++) {
        buf |= (bytes[i] as number) << bits;
        bits += 8;
        for (; bits >= d; bits -= d, buf >>>= d) r[pos++] = ((buf & mask) * Q + half) >>> d;
      }
      return r;
    },
  };
}

/** Bytes of one ByteEncode12 polynomial. */
export const POLY_BYTES = (N * 12) / 8;

/**
 * ByteEncode12 / ByteDecode12 (no compression): two coefficients in three
 * bytes, least significant bits first. Written out because noble's generic
 * bit packer took about 3 µs a polynomial, and session setup packs or
 * unpacks a dozen (keys, dk_pke). Decoding keeps the raw 12-bit values, as
 * noble's does, so the FIPS 203 §7.2 modulus check still sees values ≥ q;
 * equal to noble's coder on every input tested (test/kat/mlkem-fips203.test.ts).
 */
export const coder12: PolyCoder = {
  encode(p: Poly): Uint8Array {
    const out = new Uint8Array(POLY_BYTES);
    for (let i = 0, j = 0; i < N; i += 2, j += 3) {
      const a = (p[i] as number) & 0xfff;
      const b = (p[i + 1] as number) & 0xfff;
      out[j] = a;
      out[j + 1] = (a >> 8) | (b << 4);
      out[j + 2] = b >> 4;
    }
    return out;
  },
  decode(bytes: Uint8Array): Poly {
    if (bytes.length !== POLY_BYTES) throw new RangeError('ByteDecode12: expected 384 bytes');
    const r = new Uint16Array(N);
    for (let i = 0, j = 0; i < N; i += 2, j += 3) {
      const b1 = bytes[j + 1] as number;
      r[i] = (bytes[j] as number) | ((b1 & 0x0f) << 8);
      r[i + 1] = (b1 >> 4) | ((bytes[j + 2] as number) << 4);
    }
    return r;
  },
};

/** SHAKE-128 output is read in blocks of this rate; three of them almost always fill a polynomial. */
const XOF_BLOCK = 168;

/**
 * FIPS 203 Algorithm 7 SampleNTT(ρ ‖ a ‖ b). The stream is drawn in one call
 * of three blocks and, in the rare case that is not enough, drawn again one
 * block longer (SHAKE output is prefix-stable, so the result is the same as
 * reading block by block). ρ is public: the rejection loop may branch on it.
 */
export function sampleNtt(h: MlKemHashes, rho: Uint8Array, a: number, b: number): Poly {
  const seed = new Uint8Array(34);
  seed.set(rho);
  seed[32] = a;
  seed[33] = b;
  for (let length = 3 * XOF_BLOCK; ; length += XOF_BLOCK) {
    const bytes = h.shake128(seed, length);
    const r = new Uint16Array(N);
    let j = 0;
    for (let i = 0; j < N && i + 3 <= bytes.length; i += 3) {
      const d1 = ((bytes[i] as number) | ((bytes[i + 1] as number) << 8)) & 0xfff;
      const d2 = (((bytes[i + 1] as number) >> 4) | ((bytes[i + 2] as number) << 4)) & 0xfff;
      if (d1 < Q) r[j++] = d1;
      if (j < N && d2 < Q) r[j++] = d2;
    }
    if (j === N) return r;
  }
}

/** FIPS 203 Algorithm 8 SamplePolyCBD_η over PRF_η(s, b) = SHAKE256(s ‖ b, 64η). */
export function sampleCbd(h: MlKemHashes, seed: Uint8Array, nonce: number, eta: number): Poly {
  const input = new Uint8Array(seed.length + 1);
  input.set(seed);
  input[seed.length] = nonce;
  const bytes = h.shake256(input, 64 * eta);
  input.fill(0);
  const r = new Uint16Array(N);
  if (eta === 2) {
    // η = 2: coefficient i takes the four bits 4i..4i+3, one nibble: x = b0 + b1, y = b2 + b3.
    for (let i = 0; i < N / 2; i++) {
      const b = bytes[i] as number;
      const lo = (b & 1) + ((b >> 1) & 1) - ((b >> 2) & 1) - ((b >> 3) & 1);
      const hi = ((b >> 4) & 1) + ((b >> 5) & 1) - ((b >> 6) & 1) - ((b >> 7) & 1);
      // −2..2 into [0, q) without a branch on the secret noise.
      r[2 * i] = lo + ((lo >> 31) & Q);
      r[2 * i + 1] = hi + ((hi >> 31) & Q);
    }
  } else {
    for (let i = 0; i < N; i++) {
      let x = 0;
      let y = 0;
      for (let j = 0; j < eta; j++) {
        const bx = 2 * i * eta + j;
        const by = 2 * i * eta + eta + j;
        x += ((bytes[bx >> 3] as number) >> (bx & 7)) & 1;
        y += ((bytes[by >> 3] as number) >> (by & 7)) & 1;
      }
      r[i] = (x - y + Q) % Q;
    }
  }
  bytes.fill(0);
  return r;
}

export function polyAddInto(a: Poly, b: Poly): void {
  for (let i = 0; i < N; i++) {
    a[i] = reduceOnce((a[i] as number) + (b[i] as number));
  }
}

export function polySubInto(a: Poly, b: Poly): void {
  for (let i = 0; i < N; i++) {
    a[i] = reduceOnce((a[i] as number) - (b[i] as number) + Q);
  }
}

/** FIPS 203 Algorithms 11-12: the product of two NTT-domain polynomials. */
export function multiplyNtts(f: Poly, g: Poly): Poly {
  const h = new Uint16Array(N);
  for (let i = 0; i < N / 2; i++) {
    let zeta = zetas[64 + (i >> 1)] as number;
    if (i & 1) zeta = Q - zeta;
    const a0 = f[2 * i] as number;
    const a1 = f[2 * i + 1] as number;
    const b0 = g[2 * i] as number;
    const b1 = g[2 * i + 1] as number;
    h[2 * i] = (((((a1 * b1) % Q) * zeta) % Q) + a0 * b0) % Q;
    h[2 * i + 1] = (a0 * b1 + a1 * b0) % Q;
  }
  return h;
}

/**
 * Σ a[i] ∘ b[i] in the NTT domain (Algorithms 11-12 summed), reduced once per
 * coefficient: each term stays below 2q², so four of them fit an int32.
 */
export function innerProduct(a: readonly Poly[], b: readonly Poly[]): Poly {
  if (a.length > 4) throw new RangeError('innerProduct: at most 4 terms');
  const h = new Uint16Array(N);
  for (let i = 0; i < N / 2; i++) {
    let zeta = zetas[64 + (i >> 1)] as number;
    if (i & 1) zeta = Q - zeta;
    let c0 = 0;
    let c1 = 0;
    for (let t = 0; t < a.length; t++) {
      const f = a[t] as Poly;
      const g = b[t] as Poly;
      const a0 = f[2 * i] as number;
      const a1 = f[2 * i + 1] as number;
      const b0 = g[2 * i] as number;
      const b1 = g[2 * i + 1] as number;
      c0 += ((a1 * b1) % Q) * zeta + a0 * b0;
      c1 += a0 * b1 + a1 * b0;
    }
    h[2 * i] = c0 % Q;
    h[2 * i + 1] = c1 % Q;
  }
  return h;
}

export function encodeVector(polys: readonly Poly[], coder: PolyCoder): Uint8Array {
  return concatBytes(...polys.map((p) => coder.encode(p)));
}

/** `count` polynomials of `bytesPerPoly` bytes each. */
export function decodeVector(
  bytes: Uint8Array,
  count: number,
  coder = coder12,
  bytesPerPoly = POLY_BYTES,
): Poly[] {
  const out: Poly[] = [];
  for (let i = 0; i < count; i++)
    out.push(coder.decode(bytes.subarray(i * bytesPerPoly, (i + 1) * bytesPerPoly)));
  return out;
}

/** Secret polynomials are wiped once used. */
export function wipePolys(...polys: Poly[]): void {
  for (const p of polys) p.fill(0);
}
