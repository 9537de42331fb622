/**
 * XEdDSA exactly as libsignal 0.72.1 computes it (docs/protocol.md §2),
 * on @noble/curves Edwards arithmetic. Both backends sign here (node:crypto
 * cannot sign with an X25519 scalar); the node backend verifies here whenever
 * its native fast path could disagree with §2.
 *
 * Deliberately NOT ed25519.sign/verify: sign expands a seed and never sees the
 * X25519 scalar; verify is cofactored (ZIP-215 style) and rejects s ≥ L, so
 * its edge cases diverge from libsignal's cofactorless byte-exact check.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { KeyCache } from './key-cache.js';

const Point = ed25519.Point;
/** The prime subgroup order L = 2^252 + 27742317777372353535851937790883648493. */
export const ED25519_L = Point.Fn.ORDER;
/** The field prime p = 2^255 − 19. */
export const ED25519_P = Point.Fp.ORDER;

/** hash₁ prefix of the XEdDSA nonce: 2^256 − 2 little-endian (§2 sign, step 2). */
const NONCE_PREFIX = (() => {
  const b = new Uint8Array(32).fill(0xff);
  b[0] = 0xfe;
  return b;
})();

export function bytesToNumberLE(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number);
  return n;
}

export function numberToBytesLE(n: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

function hashToScalar(...parts: Uint8Array[]): bigint {
  const h = sha512.create();
  for (const p of parts) h.update(p);
  return bytesToNumberLE(h.digest()) % ED25519_L;
}

function isClamped(k: Uint8Array): boolean {
  return ((k[0] as number) & 7) === 0 && ((k[31] as number) & 0xc0) === 0x40;
}

/** libsignal stores keys clamped (§1), so an unclamped key is signed as its clamped form. */
function clampCopy(k: Uint8Array): Uint8Array {
  const c = k.slice();
  c[0] = (c[0] as number) & 0xf8;
  c[31] = ((c[31] as number) & 0x7f) | 0x40;
  return c;
}

/** The key itself when already clamped (the normal case, keeping key caches warm), else a clamped copy. */
export function clampedKey(k: Uint8Array): Uint8Array {
  return isClamped(k) ? k : clampCopy(k);
}

/** The Edwards scalar and encoded public key of an X25519 private key (§2 sign, step 1). */
function edwardsSigningKey(privateKey: Uint8Array): { a: bigint; aBytes: Uint8Array } {
  const a = bytesToNumberLE(privateKey) % ED25519_L;
  return { a, aBytes: Point.BASE.multiply(a).toBytes() };
}

/** A·B is the costlier half of signing and the same for every signature by one key. */
const signingKeys = new KeyCache<{ a: bigint; aBytes: Uint8Array }>();

/**
 * Signs with a (clamped) 32-byte X25519 private key. `random` is 64 fresh bytes.
 * The Edwards sign bit of A travels in bit 511 of the signature; a is never
 * negated (§2 deviation 1 from the 2016 XEdDSA spec, as libsignal does).
 */
export function xeddsaSignNoble(privateKey: Uint8Array, message: Uint8Array, random: Uint8Array): Uint8Array {
  if (privateKey.length !== 32 || random.length !== 64)
    throw new RangeError('xeddsaSign: key 32 bytes, random 64');
  const k = clampedKey(privateKey);
  const { a, aBytes } = signingKeys.get(k, edwardsSigningKey);
  const sign = (aBytes[31] as number) & 0x80;
  // Nonce over the raw clamped k, not the reduced scalar (§2 deviation 2).
  const r = hashToScalar(NONCE_PREFIX, k, message, random);
  const rBytes = Point.BASE.multiply(r).toBytes();
  const h = hashToScalar(rBytes, aBytes, message);
  const s = (h * a + r) % ED25519_L;
  const sig = new Uint8Array(64);
  sig.set(rBytes, 0);
  sig.set(numberToBytesLE(s, 32), 32);
  sig[63] = ((sig[63] as number) & 0x7f) | sign;
  return sig;
}

/**
 * Converts a Montgomery u-coordinate to the compressed Edwards point with the
 * given sign bit (§2 verify steps 1–2), or undefined when no such key exists.
 * Bit 255 of u is ignored and u is reduced mod p rather than rejected, as
 * libsignal does. u = 0 gives x = 0, where libsignal's decoder ignores the
 * sign bit: we clear it so that case decodes as it does there.
 */
export function montgomeryToEdwardsBytes(u: Uint8Array, sign: number): Uint8Array | undefined {
  const masked = u.slice(0, 32);
  masked[31] = (masked[31] as number) & 0x7f;
  const uNum = bytesToNumberLE(masked) % ED25519_P;
  if (uNum === ED25519_P - 1n) return undefined;
  const Fp = Point.Fp;
  const y = Fp.mul(Fp.sub(uNum, 1n), Fp.inv(Fp.add(uNum, 1n)));
  const yBytes = numberToBytesLE(y, 32);
  if (uNum !== 0n) yBytes[31] = (yBytes[31] as number) | (sign << 7);
  return yBytes;
}

/**
 * Extracts s from the signature, or undefined when libsignal rejects it:
 * s must be below 2^253 after clearing the sign bit. Non-canonical s in
 * [L, 2^253) is accepted and reduced by the caller (§2 verify step 3).
 */
export function signatureScalar(signature: Uint8Array): bigint | undefined {
  const sBytes = signature.slice(32, 64);
  sBytes[31] = (sBytes[31] as number) & 0x7f;
  if (((sBytes[31] as number) & 0xe0) !== 0) return undefined;
  return bytesToNumberLE(sBytes);
}

/** Verifies a 64-byte XEdDSA signature against a raw 32-byte u-coordinate; never throws. */
export function xeddsaVerifyNoble(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const aEncoded = montgomeryToEdwardsBytes(publicKey, (signature[63] as number) >> 7);
  const s = signatureScalar(signature);
  if (aEncoded === undefined || s === undefined) return false;
  let aPoint: ReturnType<typeof Point.fromBytes>;
  try {
    aPoint = Point.fromBytes(aEncoded);
  } catch {
    return false; // not on the curve: no such Edwards key
  }
  const aBytes = aPoint.toBytes();
  const rBytes = signature.subarray(0, 32);
  const h = hashToScalar(rBytes, aBytes, message);
  // Cofactorless: compare the re-encoded sB − hA with R byte for byte (§2 verify step 5).
  const check = Point.BASE.multiplyUnsafe(s % ED25519_L).subtract(aPoint.multiplyUnsafe(h));
  const checkBytes = check.toBytes();
  let diff = 0;
  for (let i = 0; i < 32; i++) diff |= (checkBytes[i] as number) ^ (rBytes[i] as number);
  return diff === 0;
}
