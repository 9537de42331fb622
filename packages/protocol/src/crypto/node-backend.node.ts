/**
 * The native backend for Node: node:crypto (OpenSSL) for hashes, HMAC, HKDF,
 * AES, X25519 and, where it provably agrees with docs/protocol.md §2,
 * XEdDSA verification. Selected through the `#crypto-backend` import
 * condition, so browser builds never see this file.
 *
 * XEdDSA signing uses OpenSSL for the nonce point (xeddsa-sign.node.ts: node
 * cannot sign with an X25519 scalar directly). Delegated to the noble code:
 * the XEdDSA verify edge cases OpenSSL would answer differently.
 *
 * Key handles (KeyObjects) are cached per key array (see key-cache.ts):
 * importing raw keys costs more than the X25519 operation itself.
 *
 * @NOTE No KeyGenJob. On Node 20 (20.20.2 seen), exporting a key as JWK
 * holds the key's mutex while it allocates strings; if that allocation runs
 * a GC whose weak callback destroys the KeyGenJob that made the key
 * (generateKeyPairSync), ~KeyGenJob waits for the same mutex and the main
 * thread hangs for good at 0% CPU, within thousands of keys. So private keys
 * are 32 random bytes imported as a handle: no KeyGenJob exists to be
 * destroyed. The public key is read back from the imported handle as JWK
 * (OpenSSL computes it on import), which costs a few µs where computing
 * X25519(k, 9) again costs a full scalar multiplication; the handle being
 * exported stays referenced by the caller throughout, so no object sharing
 * its mutex can be collected during the export
 * (test/kat/crypto-keygen-soak.test.ts, `npm run soak:keys`).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  type KeyObject,
  verify,
} from 'node:crypto';
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js';
import { ProtocolError } from '../errors.js';
import { hkdfSha256Keyed } from './hkdf-keyed.js';
import { prepareHkdfNode } from './hkdf-prepared.node.js';
import { preferredOneShotHmac } from './hmac-oneshot.node.js';
import { KeyCache } from './key-cache.js';
import { clampPrivateKey, rejectLowOrder } from './noble-backend.js';
import type { Primitives } from './primitives.js';
import { pooledRandomBytes } from './random-pool.node.js';
import { importX25519Private } from './x25519-import.node.js';
import { ED25519_L, montgomeryToEdwardsBytes, signatureScalar, xeddsaVerifyNoble } from './xeddsa.js';
import { xeddsaSignNode } from './xeddsa-sign.node.js';

/** A plain Uint8Array view of a Buffer node allocated for us (no copy). */
const view = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** Joins cipher output into a fresh unpooled array the caller owns. */
function joined(a: Buffer, b: Buffer): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  a.fill(0);
  b.fill(0);
  return out;
}

const b64url = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');

const x25519Private = new KeyCache<KeyObject>();
const x25519Public = new KeyCache<KeyObject>();

function importX25519Public(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(publicKey) }, format: 'jwk' });
}

/**
 * The public key of a private key handle (RFC 7748 §6.1: X25519(k, 9)),
 * which OpenSSL derived when the key was imported; read back without a
 * second scalar multiplication (see the module note). It is canonical
 * (u < p, bit 255 clear), as libsignal's are.
 */
function publicKeyOf(handle: KeyObject): Uint8Array {
  const jwk = createPublicKey(handle).export({ format: 'jwk' });
  const publicKey = Buffer.from(jwk.x as string, 'base64url');
  if (publicKey.length !== 32) throw new Error('X25519 public key export has the wrong length');
  const out = new Uint8Array(32);
  out.set(publicKey);
  return out;
}

function x25519Generate(): { privateKey: Uint8Array; publicKey: Uint8Array } {
  // Clamped before import: the stored bytes are the key's canonical form, as libsignal keeps them (§1).
  const seed = pooledRandomBytes(32);
  const privateKey = clampPrivateKey(seed);
  seed.fill(0);
  const handle = x25519Private.get(privateKey, importX25519Private);
  const publicKey = publicKeyOf(handle);
  // The handle of the public key is not cached: our own public key is rarely an agreement's peer key.
  return { privateKey, publicKey };
}

function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  return publicKeyOf(x25519Private.get(privateKey, importX25519Private));
}

function x25519Agree(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  if (privateKey.length !== 32 || publicKey.length !== 32)
    throw new RangeError('x25519Agree: keys must be 32 bytes');
  let shared: Buffer;
  try {
    shared = diffieHellman({
      privateKey: x25519Private.get(privateKey, importX25519Private),
      publicKey: x25519Public.get(publicKey, importX25519Public),
    });
  } catch {
    // OpenSSL refuses the all-zero output of a low-order point (policy: noble-backend.ts)
    throw new ProtocolError('InvalidKey', 'X25519 with a low-order public key');
  }
  return rejectLowOrder(view(shared));
}

/**
 * The canonical encodings of the eight points of order dividing 8. OpenSSL
 * 3.5 (Node 24) refuses a small-order A or R in Ed25519 verify; OpenSSL 3.0
 * (Node 20) and libsignal do not, so those go to the noble code (§2).
 */
const SMALL_ORDER = ED25519_TORSION_SUBGROUP.map((hex) => Buffer.from(hex, 'hex'));

function isSmallOrder(encoding: Uint8Array): boolean {
  return SMALL_ORDER.some((t) => t.equals(encoding));
}

/**
 * Ed25519 handles for a u-coordinate, one per sign bit, built on first use:
 * null when no such point exists, 'small-order' when the point has order
 * dividing 8 (u = 0 among them, where libsignal ignores the sign bit).
 */
type EdwardsSlot = KeyObject | null | 'small-order' | undefined;
const edwardsKeys = new KeyCache<EdwardsSlot[]>();

function edwardsKey(publicKey: Uint8Array, sign: number): Exclude<EdwardsSlot, undefined> {
  const slots = edwardsKeys.get(publicKey, () => [undefined, undefined]);
  let key = slots[sign];
  if (key === undefined) {
    const aBytes = montgomeryToEdwardsBytes(publicKey, sign);
    if (aBytes === undefined) key = null;
    else if (isSmallOrder(aBytes)) key = 'small-order';
    else key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(aBytes) }, format: 'jwk' });
    slots[sign] = key;
  }
  return key;
}

/**
 * OpenSSL's Ed25519 verify (crypto/ec/curve25519.c) checks s < L, decodes A,
 * hashes R ‖ A-as-given ‖ M and compares the encoding of sB − hA with R byte
 * for byte: exactly §2 once we hand it the canonical encoding of A (y < p,
 * the sign bit as decoded, cleared at x = 0) and s < L with bit 511 cleared.
 * The remaining cases go through the noble implementation of §2:
 * non-canonical s in [L, 2^253), which libsignal accepts and OpenSSL refuses,
 * and a small-order A or R, which OpenSSL 3.5 refuses (see SMALL_ORDER).
 */
function xeddsaVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const s = signatureScalar(signature);
  if (s === undefined) return false;
  if (s >= ED25519_L || isSmallOrder(signature.subarray(0, 32))) {
    return xeddsaVerifyNoble(publicKey, message, signature);
  }
  const key = edwardsKey(publicKey, (signature[63] as number) >> 7);
  if (key === null) return false;
  if (key === 'small-order') return xeddsaVerifyNoble(publicKey, message, signature);
  const plain = signature.slice();
  plain[63] = (plain[63] as number) & 0x7f;
  return verify(null, message, key, plain);
}

function aes256CbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
    throw new ProtocolError('InvalidMessage', 'AES-CBC ciphertext length is not a positive multiple of 16');
  }
  const d = createDecipheriv('aes-256-cbc', key, iv);
  try {
    return joined(d.update(ciphertext), d.final());
  } catch {
    throw new ProtocolError('InvalidMessage', 'AES-CBC bad padding');
  }
}

/** HMAC through a createHmac object: the faster form on Node 20 (hmac-oneshot.node.ts says where not). */
const hmacSha256Objects = (key: Uint8Array, data: Uint8Array) =>
  view(createHmac('sha256', key).update(data).digest());

// RFC 5869 allows L = 0; OpenSSL 3.5 (Node 24) refuses to derive zero bytes.
const hkdfNative = (ikm: Uint8Array, salt: Uint8Array | undefined, info: Uint8Array, length: number) =>
  length === 0
    ? new Uint8Array(0)
    : new Uint8Array(hkdfSync('sha256', ikm, salt ?? new Uint8Array(32), info, length));

/**
 * hkdfSync where it is fast (OpenSSL 3.5, Node 24: ~4 µs); on OpenSSL 3.0
 * (Node 20) HKDF on noble's SHA-256 with each HMAC key set up once
 * (hkdf-keyed.ts): ~2 µs less than an HKDF on createHmac for the 80-byte
 * message keys (≈ 7.6 against ≈ 9.8 µs) and ~1.7 µs less for the 64-byte
 * SPQR chain step with its zero salt (≈ 5.2 against ≈ 6.9 µs), and far
 * below hkdfSync's ≈ 10 µs there.
 */
const hkdfSha256 = preferredOneShotHmac === undefined ? hkdfSha256Keyed : hkdfNative;

/**
 * @example
 * import { nodeBackend } from '…/crypto/node-backend.node.js';
 * nodeBackend.x25519Agree(myPrivate, theirPublic);
 */
export const nodeBackend: Primitives = Object.freeze({
  name: 'node:crypto',
  randomBytes: pooledRandomBytes,
  sha256: (data: Uint8Array) => view(createHash('sha256').update(data).digest()),
  sha512: (data: Uint8Array) => view(createHash('sha512').update(data).digest()),
  sha3_256: (data: Uint8Array) => view(createHash('sha3-256').update(data).digest()),
  sha3_512: (data: Uint8Array) => view(createHash('sha3-512').update(data).digest()),
  shake128: (data: Uint8Array, length: number) =>
    view(createHash('shake128', { outputLength: length }).update(data).digest()),
  shake256: (data: Uint8Array, length: number) =>
    view(createHash('shake256', { outputLength: length }).update(data).digest()),
  hmacSha256: preferredOneShotHmac ?? hmacSha256Objects,
  hkdfSha256,
  prepareHkdfSha256: prepareHkdfNode,
  aes256CbcEncrypt: (key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array) => {
    const c = createCipheriv('aes-256-cbc', key, iv);
    return joined(c.update(plaintext), c.final());
  },
  aes256CbcDecrypt,
  aes256Ctr: (key: Uint8Array, iv: Uint8Array, data: Uint8Array) => {
    const c = createCipheriv('aes-256-ctr', key, iv);
    return joined(c.update(data), c.final());
  },
  x25519Generate,
  x25519PublicKey,
  x25519Agree,
  // OpenSSL computes the nonce point; see xeddsa-sign.node.ts for why that is sound.
  xeddsaSign: xeddsaSignNode,
  xeddsaVerify,
});

/** The name every `#crypto-backend` target exports, whichever file the condition picks. */
export { nodeBackend as backend };
