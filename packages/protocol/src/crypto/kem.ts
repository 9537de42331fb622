/**
 * Raw KEM operations for the two key types tacet accepts: Kyber1024 round 3
 * (type 0x08, what libsignal 0.72.1 emits and accepts) and ML-KEM-1024
 * (type 0x0A, tacet-to-tacet only). Round 3 is built on the FIPS 203
 * implementation (mlkem.ts, equal to @noble/post-quantum's) exactly as
 * docs/protocol.md §3.1 says; the CPA layer and key layout are shared, only
 * the hashing around it differs.
 *
 * Keys and ciphertexts here are bare (no type prefix); src/keys adds the prefix.
 */

import { ProtocolError } from '../errors.js';
import { KEM_CIPHERTEXT_LENGTH, KEM_PUBLIC_KEY_LENGTH, KEM_SECRET_KEY_LENGTH } from '../limits.js';
import { concatBytes } from './bytes.js';
import { primitives } from './index.js';
import { preparedKey } from './kem-prepared.js';
import {
  mlKemDecapsulate as fipsDecapsulate,
  mlKemEncapsulate as fipsEncapsulate,
  ML_KEM_1024,
  mlKemKeygen,
  prepareMlKemKey,
} from './mlkem.js';
import type { MlKemHashes } from './mlkem-poly.js';
import type { Primitives } from './primitives.js';

/**
 * The hashes and randomness around the KEM core; the selected backend by
 * default (native SHA-3 on Node), either backend in known-answer tests.
 */
export type KemHashes = MlKemHashes & Pick<Primitives, 'randomBytes'>;

/** Kyber1024 round 3 (v3.02), libsignal's 0x08. */
export const KEM_TYPE_KYBER1024 = 0x08;
/** FIPS 203 ML-KEM-1024, tacet-to-tacet only (libsignal's npm build refuses it). */
export const KEM_TYPE_MLKEM1024 = 0x0a;
/** A KEM type byte tacet accepts. */
export type KemType = typeof KEM_TYPE_KYBER1024 | typeof KEM_TYPE_MLKEM1024;

/** Offset of the implicit-rejection secret z inside the 3168-byte secret key. */
const Z_OFFSET = KEM_SECRET_KEY_LENGTH - 32;
/** Where dk_pke ends and the embedded public key starts inside the secret key. */
const EMBEDDED_PK_OFFSET = 1536;

/** ML-KEM encapsulation with deterministic message m, through a cached prepared key when there is one. */
function mlKemEncapsulate(
  publicKey: Uint8Array,
  m: Uint8Array,
  p: KemHashes,
): { cipherText: Uint8Array; sharedSecret: Uint8Array } {
  const key = preparedKey(publicKey) ?? prepareMlKemKey(ML_KEM_1024, publicKey, p);
  const { ciphertext, sharedSecret } = fipsEncapsulate(key, m, p);
  return { cipherText: ciphertext, sharedSecret };
}

/** ML-KEM decapsulation (implicit reject), through the cached prepared embedded public key when there is one. */
function mlKemDecapsulate(ciphertext: Uint8Array, secretKey: Uint8Array, p: KemHashes): Uint8Array {
  const prep = preparedKey(
    secretKey.subarray(EMBEDDED_PK_OFFSET, EMBEDDED_PK_OFFSET + KEM_PUBLIC_KEY_LENGTH),
  );
  return fipsDecapsulate(ML_KEM_1024, secretKey, ciphertext, prep, p);
}

/** True for the type bytes tacet accepts; anything else is refused as InvalidKey. */
export function isKemType(type: number): type is KemType {
  return type === KEM_TYPE_KYBER1024 || type === KEM_TYPE_MLKEM1024;
}

function shake32(p: KemHashes, ...parts: Uint8Array[]): Uint8Array {
  return p.shake256(concatBytes(...parts), 32);
}

/**
 * A fresh key pair. Round 3 derives (ρ,σ) = G(d) where ML-KEM uses G(d‖4);
 * with a random seed both give keys of the same format and distribution
 * (§3.1 KeyGen), so only seeded KATs could tell them apart.
 */
export function kemGenerateRaw(_type: KemType): { publicKey: Uint8Array; secretKey: Uint8Array } {
  const seed = primitives.randomBytes(64);
  try {
    return mlKemKeygen(ML_KEM_1024, seed);
  } finally {
    seed.fill(0);
  }
}

/**
 * @NOTE Spec deviation (docs/protocol.md §10 B, stricter than libsignal): round 3 has no input
 * checks, but mlkem.ts (like @noble/post-quantum) applies FIPS 203's public-key modulus check
 * (and the secret-key hash check on decapsulation) to both types. Keys that
 * fail them cannot come from honest key generation; they are refused with
 * InvalidKey instead of being used.
 */
function wrapKemError(e: unknown, what: string): never {
  if (e instanceof ProtocolError) throw e;
  throw new ProtocolError('InvalidKey', `${what}: ${e instanceof Error ? e.message : String(e)}`);
}

/**
 * Encapsulates to a bare 1568-byte public key; returns a bare ciphertext and
 * the 32-byte secret. `random` exists for known-answer tests only: leave it
 * out, and 32 fresh bytes are drawn.
 */
export function kemEncapsulateRaw(
  type: KemType,
  publicKey: Uint8Array,
  random?: Uint8Array,
  p: KemHashes = primitives,
): { ciphertext: Uint8Array; sharedSecret: Uint8Array } {
  if (publicKey.length !== KEM_PUBLIC_KEY_LENGTH)
    throw new ProtocolError('InvalidKey', 'bad KEM public key length');
  if (random !== undefined && random.length !== 32)
    throw new RangeError('kemEncapsulateRaw: random must be 32 bytes');
  const seed = random?.slice() ?? p.randomBytes(32);
  try {
    if (type === KEM_TYPE_MLKEM1024) {
      const { cipherText, sharedSecret } = mlKemEncapsulate(publicKey, seed, p);
      return { ciphertext: cipherText, sharedSecret };
    }
    // Round 3: m = H(random), so the raw RNG output is never the message; K = KDF(K̄ ‖ H(c)).
    const m = p.sha3_256(seed);
    const { cipherText, sharedSecret: kBar } = mlKemEncapsulate(publicKey, m, p);
    const sharedSecret = shake32(p, kBar, p.sha3_256(cipherText));
    m.fill(0);
    kBar.fill(0);
    return { ciphertext: cipherText, sharedSecret };
  } catch (e) {
    wrapKemError(e, 'KEM encapsulation');
  } finally {
    seed.fill(0);
  }
}

/** Selects `a` when flag is 1 and `b` when it is 0, without a data-dependent branch. */
function constantTimeSelect(flag: number, a: Uint8Array, b: Uint8Array): Uint8Array {
  const mask = -flag & 0xff;
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = ((a[i] as number) & mask) | ((b[i] as number) & ~mask);
  return out;
}

/** 1 when the arrays are equal, 0 otherwise, in constant time (equal lengths assumed). */
function equalFlag(a: Uint8Array, b: Uint8Array): number {
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return ((diff - 1) >>> 8) & 1;
}

/**
 * Decapsulates a bare ciphertext. A tampered ciphertext yields an unrelated
 * pseudo-random secret (implicit rejection), never an error, so the caller's
 * MAC check is what fails.
 */
export function kemDecapsulateRaw(
  type: KemType,
  secretKey: Uint8Array,
  ciphertext: Uint8Array,
  p: KemHashes = primitives,
): Uint8Array {
  if (secretKey.length !== KEM_SECRET_KEY_LENGTH)
    throw new ProtocolError('InvalidKey', 'bad KEM secret key length');
  if (ciphertext.length !== KEM_CIPHERTEXT_LENGTH) {
    throw new ProtocolError('InvalidMessage', 'bad KEM ciphertext length');
  }
  let kPrime: Uint8Array;
  try {
    kPrime = mlKemDecapsulate(ciphertext, secretKey, p);
  } catch (e) {
    wrapKemError(e, 'KEM decapsulation');
  }
  if (type === KEM_TYPE_MLKEM1024) return kPrime;
  // FIPS 203 decapsulation returned J(z ‖ c) exactly when it rejected; round 3 rejects with KDF(z ‖ H(c)) instead.
  const z = secretKey.subarray(Z_OFFSET, Z_OFFSET + 32);
  const mlKemReject = shake32(p, z, ciphertext);
  const base = constantTimeSelect(equalFlag(kPrime, mlKemReject), z, kPrime);
  const sharedSecret = shake32(p, base, p.sha3_256(ciphertext));
  base.fill(0);
  kPrime.fill(0);
  return sharedSecret;
}
