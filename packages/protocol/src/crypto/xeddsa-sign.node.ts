/**
 * XEdDSA signing for the node:crypto backend (docs/protocol.md §2),
 * with the expensive nonce point r·B computed by OpenSSL instead of
 * pure-JS Edwards arithmetic — about 5x faster, which sender keys need
 * (one signature per group message).
 *
 * node:crypto cannot multiply the base point by a chosen scalar, but its
 * Ed25519 signer computes R = r·B for its own RFC 8032 nonce
 * r = SHA-512(prefix ‖ M′) mod L and returns s′ = r + h′·a′ mod L, where
 * a′ is the scalar of its key and h′ = SHA-512(R ‖ A′ ‖ M′) mod L. With a
 * private process-wide key whose a′ we derived ourselves (RFC 8032 §5.1.5),
 * r = s′ − h′·a′ mod L is recovered exactly; that (r, R) pair then serves as
 * the XEdDSA nonce: s = h·a + r with h = SHA-512(R ‖ A ‖ M) (§2 sign steps 3–4).
 *
 * Why this is a sound nonce: M′ = SHA-512(hash₁ prefix ‖ k ‖ M ‖ Z) binds the
 * signing key, the message and the 64 fresh random bytes Z, and `prefix` is a
 * secret of this process, so r is a PRF output, uniform mod L, never reused
 * across different (k, M, Z) — RFC 8032's own nonce construction. The process
 * key's signatures s′ never leave this function; only R is published, as in
 * any Schnorr signature. What differs from the noble path is only WHICH
 * valid nonce is used (§2 deviation 2 notes verifiers cannot tell), so
 * deterministic known-answer vectors apply to the noble backend alone.
 */
import { createHash, createPrivateKey, type KeyObject, randomBytes, sign } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { KeyCache } from './key-cache.js';
import { bytesToNumberLE, clampedKey, ED25519_L, numberToBytesLE } from './xeddsa.js';

/** Little-endian bytes to a bigint through hex: ~5x faster than xeddsa.ts's loop, on the per-signature path. */
function leToBigInt(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).reverse().toString('hex')}`);
}

/** PKCS#8 prefix of an Ed25519 private key given as its 32-byte seed (RFC 8410 §7). */
const PKCS8_ED25519_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
/** hash₁ prefix of the XEdDSA nonce input: 2^256 − 2 little-endian (§2 sign step 2). */
const NONCE_PREFIX = (() => {
  const b = new Uint8Array(32).fill(0xff);
  b[0] = 0xfe;
  return b;
})();

interface ProcessKey {
  handle: KeyObject;
  /** a′ mod L, the scalar OpenSSL signs with (RFC 8032 §5.1.5 steps 1–3). */
  scalar: bigint;
  /** A′, its encoded public key, hashed into h′. */
  publicKey: Uint8Array;
}

let processKey: ProcessKey | undefined;

function getProcessKey(): ProcessKey {
  if (processKey !== undefined) return processKey;
  const seed = randomBytes(32);
  const der = new Uint8Array(PKCS8_ED25519_PREFIX.length + 32);
  der.set(PKCS8_ED25519_PREFIX);
  der.set(seed, PKCS8_ED25519_PREFIX.length);
  const handle = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  const expanded = createHash('sha512').update(seed).digest();
  const a = expanded.subarray(0, 32);
  a[0] = (a[0] as number) & 0xf8;
  a[31] = ((a[31] as number) & 0x7f) | 0x40;
  const scalar = bytesToNumberLE(a) % ED25519_L;
  // A′ from the seed by noble (RFC 8032 §5.1.5), not by exporting the handle: node:crypto
  // key exports can deadlock on Node 20 (node-backend.node.ts, module note).
  const publicKey = ed25519.getPublicKey(seed);
  seed.fill(0);
  expanded.fill(0);
  der.fill(0);
  processKey = { handle, scalar, publicKey };
  return processKey;
}

/** a = k mod L and the encoding of A = a·B (sign bit kept, §2 sign step 1), once per private key. */
const signingScalars = new KeyCache<{ a: bigint; aBytes: Uint8Array }>();

function scalarOf(privateKey: Uint8Array): { a: bigint; aBytes: Uint8Array } {
  return signingScalars.get(privateKey, (k) => {
    const a = bytesToNumberLE(k) % ED25519_L;
    return { a, aBytes: ed25519.Point.BASE.multiply(a).toBytes() };
  });
}

function hashToScalar(...parts: Uint8Array[]): bigint {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return leToBigInt(h.digest()) % ED25519_L;
}

/**
 * Signs with a (clamped) 32-byte X25519 private key; `random` is 64 fresh
 * bytes. The result verifies exactly like xeddsaSignNoble's.
 */
export function xeddsaSignNode(privateKey: Uint8Array, message: Uint8Array, random: Uint8Array): Uint8Array {
  if (privateKey.length !== 32 || random.length !== 64)
    throw new RangeError('xeddsaSign: key 32 bytes, random 64');
  // As libsignal stores keys clamped (§1), an unclamped key signs as its clamped form (as in xeddsa.ts).
  const k = clampedKey(privateKey);
  const { a, aBytes } = scalarOf(k);
  const key = getProcessKey();
  const nonceMessage = createHash('sha512')
    .update(NONCE_PREFIX)
    .update(k)
    .update(message)
    .update(random)
    .digest();
  const inner = sign(null, nonceMessage, key.handle);
  const rBytes = new Uint8Array(inner.subarray(0, 32));
  const hInner = hashToScalar(rBytes, key.publicKey, nonceMessage);
  const r =
    (((leToBigInt(inner.subarray(32, 64)) - hInner * key.scalar) % ED25519_L) + ED25519_L) % ED25519_L;
  nonceMessage.fill(0);
  inner.fill(0);
  const h = hashToScalar(rBytes, aBytes, message);
  const s = (h * a + r) % ED25519_L;
  const sig = new Uint8Array(64);
  sig.set(rBytes, 0);
  sig.set(numberToBytesLE(s, 32), 32);
  sig[63] = ((sig[63] as number) & 0x7f) | ((aBytes[31] as number) & 0x80);
  return sig;
}
