/**
 * FIPS 203 ML-KEM-768 and ML-KEM-1024 (Algorithms 13-18) over the hashes the
 * caller gives (`MlKemHashes`): the selected crypto backend by default, so
 * Node hashes with OpenSSL's SHA-3 (five to twenty times faster than pure-JS
 * Keccak on these inputs) while the browser keeps @noble/hashes. Byte for
 * byte the same keys, ciphertexts and secrets as @noble/post-quantum's
 * ml_kem768 / ml_kem1024 on either backend (test/kat/mlkem-fips203.test.ts),
 * including implicit rejection and the FIPS 203 §7 input checks.
 *
 * A prepared encapsulation key keeps t̂, Â and H(ek), so repeated use of one
 * key (a last-resort prekey, the re-encryption inside decapsulation) skips the
 * K² matrix expansion; only public data is kept.
 */
import { ProtocolError } from '../errors.js';
import { constantTimeEqual } from './bytes.js';
import { primitives } from './index.js';
import {
  coder12,
  compressCoder,
  decodeVector,
  encodeVector,
  innerProduct,
  type MlKemHashes,
  ntt,
  nttInverse,
  POLY_BYTES,
  type Poly,
  type PolyCoder,
  polyAddInto,
  polySubInto,
  sampleCbd,
  sampleNtt,
  wipePolys,
} from './mlkem-poly.js';

/** One ML-KEM parameter set (FIPS 203 Table 2); η1 = η2 = 2 for both sets here. */
export interface MlKemParams {
  readonly k: number;
  readonly du: number;
  readonly dv: number;
}

export const ML_KEM_768: MlKemParams = Object.freeze({ k: 3, du: 10, dv: 4 });
export const ML_KEM_1024: MlKemParams = Object.freeze({ k: 4, du: 11, dv: 5 });

const ETA = 2;
const coder1 = compressCoder(1);
const coders = new Map<number, PolyCoder>();
function coderFor(d: number): PolyCoder {
  let c = coders.get(d);
  if (c === undefined) {
    c = compressCoder(d);
    coders.set(d, c);
  }
  return c;
}

/** Byte sizes of a parameter set (FIPS 203 Table 3). */
export function mlKemSizes(p: MlKemParams) {
  const publicKey = POLY_BYTES * p.k + 32;
  const ciphertext1 = 32 * p.du * p.k;
  const ciphertext2 = 32 * p.dv;
  return {
    publicKey,
    secretKey: POLY_BYTES * p.k + publicKey + 64,
    ciphertext1,
    ciphertext: ciphertext1 + ciphertext2,
  };
}

/** Â[i][j] = SampleNTT(ρ ‖ j ‖ i) (FIPS 203 Algorithm 13 line 6). */
function matrix(h: MlKemHashes, k: number, rho: Uint8Array): Poly[][] {
  return Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => sampleNtt(h, rho, j, i)));
}

/** An encapsulation key, parsed and expanded once. */
export interface PreparedMlKemKey {
  readonly params: MlKemParams;
  readonly publicKey: Uint8Array;
  readonly tHat: readonly Poly[];
  readonly aHat: readonly Poly[][];
  /** H(ek). */
  readonly hash: Uint8Array;
}

/**
 * Parses `publicKey` with the FIPS 203 §7.2 modulus check (every coefficient
 * below q) and expands Â. Throws InvalidKey on a key of the wrong length or
 * failing the check.
 */
export function prepareMlKemKey(
  params: MlKemParams,
  publicKey: Uint8Array,
  h: MlKemHashes = primitives,
): PreparedMlKemKey {
  if (publicKey.length !== mlKemSizes(params).publicKey)
    throw new ProtocolError('InvalidKey', 'ML-KEM public key has the wrong length');
  const vector = publicKey.subarray(0, POLY_BYTES * params.k);
  const tHat = decodeVector(vector, params.k);
  if (!tHat.every((p) => p.every((c) => c < 3329)))
    throw new ProtocolError('InvalidKey', 'ML-KEM public key fails the modulus check');
  const rho = publicKey.slice(POLY_BYTES * params.k);
  return {
    params,
    publicKey: publicKey.slice(),
    tHat,
    aHat: matrix(h, params.k, rho),
    hash: h.sha3_256(publicKey),
  };
}

/** FIPS 203 Algorithm 16 ML-KEM.KeyGen_internal from `seed` = d ‖ z (64 bytes). */
export function mlKemKeygen(
  params: MlKemParams,
  seed: Uint8Array,
  h: MlKemHashes = primitives,
): { publicKey: Uint8Array; secretKey: Uint8Array } {
  if (seed.length !== 64) throw new RangeError('mlKemKeygen: seed must be 64 bytes');
  const { k } = params;
  const dk = new Uint8Array(33);
  dk.set(seed.subarray(0, 32));
  dk[32] = k;
  const g = h.sha3_512(dk);
  dk.fill(0);
  const rho = g.slice(0, 32);
  const sigma = g.subarray(32);
  const sHat: Poly[] = [];
  for (let i = 0; i < k; i++) sHat.push(ntt(sampleCbd(h, sigma, i, ETA)));
  const aHat = matrix(h, k, rho);
  const tHat: Poly[] = [];
  for (let i = 0; i < k; i++) {
    const t = ntt(sampleCbd(h, sigma, k + i, ETA));
    polyAddInto(t, innerProduct(aHat[i] as Poly[], sHat));
    tHat.push(t);
  }
  g.fill(0);
  const sizes = mlKemSizes(params);
  const publicKey = new Uint8Array(sizes.publicKey);
  publicKey.set(encodeVector(tHat, coder12));
  publicKey.set(rho, POLY_BYTES * k);
  const secretKey = new Uint8Array(sizes.secretKey);
  const dkPke = encodeVector(sHat, coder12);
  secretKey.set(dkPke);
  dkPke.fill(0);
  secretKey.set(publicKey, POLY_BYTES * k);
  secretKey.set(h.sha3_256(publicKey), POLY_BYTES * k + sizes.publicKey);
  secretKey.set(seed.subarray(32), POLY_BYTES * k + sizes.publicKey + 32);
  wipePolys(...sHat);
  return { publicKey, secretKey };
}

/** FIPS 203 Algorithm 14 K-PKE.Encrypt with a prepared key. */
function encrypt(key: PreparedMlKemKey, m: Uint8Array, r: Uint8Array, h: MlKemHashes): Uint8Array {
  const { k, du, dv } = key.params;
  const rHat: Poly[] = [];
  for (let i = 0; i < k; i++) rHat.push(ntt(sampleCbd(h, r, i, ETA)));
  const u: Poly[] = [];
  for (let i = 0; i < k; i++) {
    // Âᵀ[i][j] = Â[j][i]
    const ui = nttInverse(
      innerProduct(
        key.aHat.map((row) => row[i] as Poly),
        rHat,
      ),
    );
    polyAddInto(ui, sampleCbd(h, r, k + i, ETA));
    u.push(ui);
  }
  const v = nttInverse(innerProduct(key.tHat, rHat));
  const e2 = sampleCbd(h, r, 2 * k, ETA);
  polyAddInto(v, e2);
  const mu = coder1.decode(m);
  polyAddInto(v, mu);
  const c1 = encodeVector(u, coderFor(du));
  const c2 = coderFor(dv).encode(v);
  wipePolys(...rHat, ...u, e2, mu, v);
  const out = new Uint8Array(c1.length + c2.length);
  out.set(c1);
  out.set(c2, c1.length);
  return out;
}

/**
 * FIPS 203 Algorithm 17 ML-KEM.Encaps_internal with message randomness `m`
 * (32 fresh random bytes in production, fixed only in known-answer tests).
 */
export function mlKemEncapsulate(
  key: PreparedMlKemKey,
  m: Uint8Array,
  h: MlKemHashes = primitives,
): { ciphertext: Uint8Array; sharedSecret: Uint8Array } {
  if (m.length !== 32) throw new RangeError('mlKemEncapsulate: m must be 32 bytes');
  const input = new Uint8Array(64);
  input.set(m);
  input.set(key.hash, 32);
  const kr = h.sha3_512(input);
  input.fill(0);
  const ciphertext = encrypt(key, m, kr.subarray(32), h);
  const sharedSecret = kr.slice(0, 32);
  kr.fill(0);
  return { ciphertext, sharedSecret };
}

/** FIPS 203 Algorithm 15 K-PKE.Decrypt. */
function decrypt(params: MlKemParams, dkPke: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const { k, du, dv } = params;
  const c1Length = 32 * du * k;
  const u = decodeVector(ciphertext.subarray(0, c1Length), k, coderFor(du), 32 * du);
  const v = coderFor(dv).decode(ciphertext.subarray(c1Length));
  const sHat = decodeVector(dkPke, k);
  const w = nttInverse(innerProduct(sHat, u.map(ntt)));
  polySubInto(v, w);
  const m = coder1.encode(v);
  wipePolys(...sHat, ...u, v, w);
  return m;
}

/**
 * FIPS 203 Algorithm 18 ML-KEM.Decaps_internal, after the §7.3 input checks
 * (lengths, and H(ek) inside the secret key matching ek). A ciphertext that
 * does not re-encrypt to itself yields J(z ‖ c) (implicit rejection), chosen
 * without a data-dependent branch. `prepared`, when given, must be the
 * prepared form of the ek embedded in `secretKey`.
 */
export function mlKemDecapsulate(
  params: MlKemParams,
  secretKey: Uint8Array,
  ciphertext: Uint8Array,
  prepared?: PreparedMlKemKey,
  h: MlKemHashes = primitives,
): Uint8Array {
  const sizes = mlKemSizes(params);
  if (secretKey.length !== sizes.secretKey)
    throw new ProtocolError('InvalidKey', 'ML-KEM secret key has the wrong length');
  if (ciphertext.length !== sizes.ciphertext)
    throw new ProtocolError('InvalidMessage', 'ML-KEM ciphertext has the wrong length');
  const pkStart = POLY_BYTES * params.k;
  const ek = secretKey.subarray(pkStart, pkStart + sizes.publicKey);
  const hash = secretKey.subarray(pkStart + sizes.publicKey, pkStart + sizes.publicKey + 32);
  const z = secretKey.subarray(pkStart + sizes.publicKey + 32);
  if (!constantTimeEqual(h.sha3_256(ek), hash))
    throw new ProtocolError('InvalidKey', 'ML-KEM secret key fails the hash check');
  const key = prepared ?? prepareMlKemKey(params, ek, h);
  const m = decrypt(params, secretKey.subarray(0, pkStart), ciphertext);
  const input = new Uint8Array(64);
  input.set(m);
  input.set(hash, 32);
  const kr = h.sha3_512(input);
  input.fill(0);
  const reencrypted = encrypt(key, m, kr.subarray(32), h);
  m.fill(0);
  const rejectInput = new Uint8Array(32 + ciphertext.length);
  rejectInput.set(z);
  rejectInput.set(ciphertext, 32);
  const rejected = h.shake256(rejectInput, 32);
  rejectInput.fill(0);
  const mask = constantTimeEqual(reencrypted, ciphertext) ? 0xff : 0;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = ((kr[i] as number) & mask) | ((rejected[i] as number) & ~mask);
  kr.fill(0);
  rejected.fill(0);
  return out;
}
