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
 * (crypto/mlkem.ts); this module only splits Algorithm 14 (K-PKE.Encrypt)
 * at the point where t̂ is first needed. Known-answer tests check that
 * encapsulate1 + encapsulate2 equal @noble/post-quantum's ml_kem768.encapsulate
 * byte for byte.
 *
 * Owns: the split encapsulation and its between-steps state. Delegates: the
 * polynomial steps to crypto/mlkem-poly.ts, hashes to the crypto backend
 * (OpenSSL's SHA-3 on Node, @noble/hashes elsewhere).
 */
import { concatBytes, constantTimeEqual, primitives, zeroize } from '../crypto/index.js';
import { ML_KEM_768, mlKemDecapsulate, mlKemKeygen } from '../crypto/mlkem.js';
import {
  coder12,
  compressCoder,
  decodeVector,
  encodeVector,
  innerProduct,
  N,
  ntt,
  nttInverse,
  type Poly,
  polyAddInto,
  Q,
  sampleCbd,
  sampleNtt,
  wipePolys,
} from '../crypto/mlkem-poly.js';
import { ProtocolError } from '../errors.js';

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

const coderU = compressCoder(DU);
const coderV = compressCoder(DV);
const coder1 = compressCoder(1);

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
  const { publicKey, secretKey } = mlKemKeygen(ML_KEM_768, seed);
  const rho = publicKey.subarray(ENCAPSULATION_KEY_SIZE);
  return {
    header: concatBytes(rho, primitives.sha3_256(publicKey)),
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
  if (!constantTimeEqual(primitives.sha3_256(ek), header.subarray(32))) return false;
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
  const kr = primitives.sha3_512(concatBytes(m, header.subarray(32)));
  const sharedSecret = kr.slice(0, 32);
  const r = kr.subarray(32);
  const rHat: Poly[] = [];
  for (let i = 0; i < K; i++) rHat.push(ntt(sampleCbd(primitives, r, i, ETA1)));
  const u: Poly[] = [];
  for (let i = 0; i < K; i++) {
    // Âᵀ[i][j] = Â[j][i] = SampleNTT(ρ ‖ i ‖ j).
    const column = Array.from({ length: K }, (_, j) => sampleNtt(primitives, rho, i, j));
    const ui = nttInverse(innerProduct(column, rHat));
    polyAddInto(ui, sampleCbd(primitives, r, K + i, ETA2));
    u.push(ui);
  }
  const e2 = sampleCbd(primitives, r, 2 * K, ETA2);
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
  const v = nttInverse(innerProduct(tHat, saved.slice(0, K)));
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
  return mlKemDecapsulate(ML_KEM_768, decapsulationKey, concatBytes(ciphertext1, ciphertext2));
}
