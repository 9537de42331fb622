/**
 * ML-KEM-768 as an incremental KEM, the form the SPQR braid needs (Signal's
 * ML-KEM Braid specification, "ML-KEM as an incremental KEM").
 *
 * A FIPS 203 encapsulation key is ek = ByteEncode12(t̂) ‖ ρ. The braid sends it
 * in two parts: a 64-byte header ρ ‖ H(ek) and the 1152-byte vector
 * ByteEncode12(t̂). The ciphertext likewise comes in two parts: ct1 =
 * ByteEncode10(Compress10(u)) needs only the header (u depends on Â(ρ) and on
 * r = G(m ‖ H(ek))), and ct2 = ByteEncode4(Compress4(v)) needs t̂ as well. The
 * shared secret K is known once ct1 exists. ct1 ‖ ct2 is exactly the FIPS 203
 * ciphertext, so decapsulation and key generation are plain ML-KEM-768
 * (@noble/post-quantum); this module only splits Algorithm 14 (K-PKE.Encrypt)
 * at the point where t̂ is first needed. Known-answer tests check that
 * encapsulate1 + encapsulate2 equal ml_kem768.encapsulate byte for byte.
 *
 * Owns: the split encapsulation and its between-steps state. Delegates: the
 * NTT, the SHAKE-128 matrix expander and the bit packing to @noble/post-quantum,
 * hashes to @noble/hashes.
 */
import { sha3_256, sha3_512, shake256 } from '@noble/hashes/sha3.js';
import { genCrystals, XOF128 } from '@noble/post-quantum/_crystals.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { concatBytes, constantTimeEqual, zeroize } from '../crypto/bytes.js';
import { ProtocolError } from '../errors.js';

const N = 256;
const Q = 3329;
const K = 3;
const ETA1 = 2;
const ETA2 = 2;
const DU = 10;
const DV = 4;

/** ρ ‖ H(ek). */
export const HEADER_SIZE = 64;
/** ByteEncode12(t̂): the encapsulation key without ρ. */
export const ENCAPSULATION_KEY_SIZE = (K * N * 12) / 8;
export const CIPHERTEXT1_SIZE = (K * N * DU) / 8;
export const CIPHERTEXT2_SIZE = (N * DV) / 8;
/** The FIPS 203 decapsulation key (dk_pke ‖ ek ‖ H(ek) ‖ z). */
export const DECAPSULATION_KEY_SIZE = 2400;
/** ByteEncode12(r̂) for K polynomials, ByteEncode12(e2), then m. Local state only, never sent. */
export const ENCAPSULATION_STATE_SIZE = ((K + 1) * N * 12) / 8 + 32;
/** d ‖ z of FIPS 203 Algorithm 16. */
export const KEY_GENERATION_SEED_SIZE = 64;

type Poly = Uint16Array<ArrayBuffer>;

const crystals = genCrystals({
  N,
  Q,
  F: 3303,
  ROOT_OF_UNITY: 17,
  newPoly: (n: number) => new Uint16Array(n),
  brvBits: 7,
  isKyber: true,
});

/** FIPS 203 §4.2.1 Compress_d / Decompress_d, folded into ByteEncode_d / ByteDecode_d. */
function compressCoder(d: number) {
  return crystals.bitsCoder(d, {
    encode: (x: number) => Math.floor(((x << (d + 1)) + Q) / (2 * Q)),
    decode: (y: number) => (y * Q + (1 << (d - 1))) >>> d,
  });
}
const coder12 = crystals.bitsCoder(12, { encode: (x: number) => x, decode: (x: number) => x });
const coderU = compressCoder(DU);
const coderV = compressCoder(DV);
const coder1 = compressCoder(1);

/** FIPS 203 Algorithm 7 SampleNTT over one SHAKE-128 stream. */
function sampleNtt(read: () => Uint8Array): Poly {
  const r = new Uint16Array(N);
  for (let j = 0; j < N; ) {
    const b = read();
    for (let i = 0; j < N && i + 3 <= b.length; i += 3) {
      const d1 = ((b[i] as number) | ((b[i + 1] as number) << 8)) & 0xfff;
      const d2 = (((b[i + 1] as number) >> 4) | ((b[i + 2] as number) << 4)) & 0xfff;
      if (d1 < Q) r[j++] = d1;
      if (j < N && d2 < Q) r[j++] = d2;
    }
  }
  return r;
}

/** FIPS 203 Algorithm 8 SamplePolyCBD_η over PRF_η(s, b) = SHAKE256(s ‖ b, 64η). */
function sampleCbd(seed: Uint8Array, nonce: number, eta: number): Poly {
  const bytes = shake256(concatBytes(seed, Uint8Array.of(nonce)), { dkLen: 64 * eta });
  const r = new Uint16Array(N);
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
  zeroize(bytes);
  return r;
}

/** Secret polynomials (r̂, e2, v) are wiped once used. */
function wipePolys(...polys: Poly[]): void {
  for (const p of polys) p.fill(0);
}

function polyAddInto(a: Poly, b: Poly): void {
  for (let i = 0; i < N; i++) {
    const s = (a[i] as number) + (b[i] as number);
    a[i] = s >= Q ? s - Q : s;
  }
}

/** FIPS 203 Algorithms 11-12: the product of two NTT-domain polynomials. */
function multiplyNtts(f: Poly, g: Poly): Poly {
  const h = new Uint16Array(N);
  for (let i = 0; i < N / 2; i++) {
    let zeta = crystals.nttZetas[64 + (i >> 1)] as number;
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

function encodeVector(polys: Poly[], coder: { encode: (p: Poly) => Uint8Array }): Uint8Array {
  return concatBytes(...polys.map((p) => coder.encode(p)));
}

function decodeVector(bytes: Uint8Array, count: number): Poly[] {
  const size = (N * 12) / 8;
  const out: Poly[] = [];
  for (let i = 0; i < count; i++) out.push(coder12.decode(bytes.subarray(i * size, (i + 1) * size)) as Poly);
  return out;
}

/** A fresh braid key pair: header and vector to send, decapsulation key to keep. */
export interface IncrementalKeys {
  header: Uint8Array;
  encapsulationKey: Uint8Array;
  decapsulationKey: Uint8Array;
}

/**
 * FIPS 203 ML-KEM.KeyGen from a 64-byte seed d ‖ z, split for sending.
 *
 * @example
 * const keys = generateKeys(crypto.getRandomValues(new Uint8Array(64)));
 */
export function generateKeys(seed: Uint8Array): IncrementalKeys {
  if (seed.length !== KEY_GENERATION_SEED_SIZE) throw new RangeError('generateKeys: seed must be 64 bytes');
  const { publicKey, secretKey } = ml_kem768.keygen(seed);
  const rho = publicKey.subarray(ENCAPSULATION_KEY_SIZE);
  return {
    header: concatBytes(rho, sha3_256(publicKey)),
    encapsulationKey: publicKey.slice(0, ENCAPSULATION_KEY_SIZE),
    decapsulationKey: secretKey,
  };
}

/**
 * True when the vector belongs to the header: H(vector ‖ ρ) matches and every
 * coefficient is below q (the FIPS 203 §7.2 modulus check).
 */
export function encapsulationKeyMatchesHeader(encapsulationKey: Uint8Array, header: Uint8Array): boolean {
  if (encapsulationKey.length !== ENCAPSULATION_KEY_SIZE || header.length !== HEADER_SIZE) return false;
  const ek = concatBytes(encapsulationKey, header.subarray(0, 32));
  if (!constantTimeEqual(sha3_256(ek), header.subarray(32))) return false;
  return decodeVector(encapsulationKey, K).every((p) => p.every((c) => c < Q));
}

/** The first half of an encapsulation: ct1, the state for ct2, and the shared secret. */
export interface Encapsulation1 {
  ciphertext1: Uint8Array;
  state: Uint8Array;
  sharedSecret: Uint8Array;
}

/**
 * FIPS 203 Algorithm 17 with Algorithm 14 stopped before t̂ is needed. `m` is
 * the 32-byte message randomness (fresh random bytes in production).
 */
export function encapsulate1(header: Uint8Array, m: Uint8Array): Encapsulation1 {
  if (header.length !== HEADER_SIZE) throw new RangeError('encapsulate1: header must be 64 bytes');
  if (m.length !== 32) throw new RangeError('encapsulate1: m must be 32 bytes');
  const rho = header.subarray(0, 32);
  const kr = sha3_512(concatBytes(m, header.subarray(32)));
  const sharedSecret = kr.slice(0, 32);
  const r = kr.subarray(32);
  const rHat: Poly[] = [];
  for (let i = 0; i < K; i++) rHat.push(crystals.NTT.encode(sampleCbd(r, i, ETA1)));
  const xof = XOF128(rho);
  const u: Poly[] = [];
  for (let i = 0; i < K; i++) {
    const acc = new Uint16Array(N);
    // Âᵀ[i][j] = Â[j][i] = SampleNTT(ρ ‖ i ‖ j).
    for (let j = 0; j < K; j++) polyAddInto(acc, multiplyNtts(sampleNtt(xof.get(i, j)), rHat[j] as Poly));
    const ui = crystals.NTT.decode(acc);
    polyAddInto(ui, sampleCbd(r, K + i, ETA2));
    u.push(ui);
  }
  xof.clean();
  const e2 = sampleCbd(r, 2 * K, ETA2);
  const state = concatBytes(encodeVector(rHat, coder12), coder12.encode(e2), m);
  zeroize(kr);
  wipePolys(...rHat, e2);
  return { ciphertext1: encodeVector(u, coderU), state, sharedSecret };
}

/** FIPS 203 Algorithm 14 from t̂ on: v = NTT⁻¹(t̂ᵀ ∘ r̂) + e2 + Decompress1(m), compressed. */
export function encapsulate2(encapsulationKey: Uint8Array, state: Uint8Array): Uint8Array {
  if (encapsulationKey.length !== ENCAPSULATION_KEY_SIZE)
    throw new RangeError('encapsulate2: encapsulation key must be 1152 bytes');
  if (state.length !== ENCAPSULATION_STATE_SIZE) throw new RangeError('encapsulate2: bad state length');
  const tHat = decodeVector(encapsulationKey, K);
  const saved = decodeVector(state, K + 1);
  const acc = new Uint16Array(N);
  for (let i = 0; i < K; i++) polyAddInto(acc, multiplyNtts(tHat[i] as Poly, saved[i] as Poly));
  const v = crystals.NTT.decode(acc);
  polyAddInto(v, saved[K] as Poly);
  polyAddInto(v, coder1.decode(state.subarray(state.length - 32)) as Poly);
  const ct2 = coderV.encode(v);
  wipePolys(...saved, v);
  return ct2;
}

/** Plain ML-KEM-768 decapsulation of ct1 ‖ ct2 (implicit rejection included). */
export function decapsulate(
  decapsulationKey: Uint8Array,
  ciphertext1: Uint8Array,
  ciphertext2: Uint8Array,
): Uint8Array {
  if (decapsulationKey.length !== DECAPSULATION_KEY_SIZE)
    throw new ProtocolError('InvalidKey', 'SPQR: decapsulation key has the wrong length');
  if (ciphertext1.length !== CIPHERTEXT1_SIZE || ciphertext2.length !== CIPHERTEXT2_SIZE)
    throw new ProtocolError('InvalidMessage', 'SPQR: ciphertext has the wrong length');
  return ml_kem768.decapsulate(concatBytes(ciphertext1, ciphertext2), decapsulationKey);
}
