/**
 * The audited pure-JS backend (@noble/*): runs in every JS engine and is the
 * reference the native backend is tested against. It is the `#crypto-backend`
 * outside Node.
 */
import { cbc, ctr } from '@noble/ciphers/aes.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { sha3_256, sha3_512, shake128, shake256 } from '@noble/hashes/sha3.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { ProtocolError } from '../errors.js';
import { prepareHkdfNoble } from './hkdf-prepared.js';
import type { Primitives } from './primitives.js';
import { xeddsaSignNoble, xeddsaVerifyNoble } from './xeddsa.js';

/** Clamps a copy of a 32-byte X25519 scalar (RFC 7748 §5), as libsignal does on import. */
export function clampPrivateKey(privateKey: Uint8Array): Uint8Array {
  const k = privateKey.slice(0, 32);
  k[0] = (k[0] as number) & 0xf8;
  k[31] = ((k[31] as number) & 0x7f) | 0x40;
  return k;
}

function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (const b of bytes) acc |= b;
  return acc === 0;
}

/**
 * @NOTE Spec deviation (docs/protocol.md §10 A, stricter than libsignal): an all-zero X25519
 * output, i.e. a low-order peer key, is refused with InvalidKey. libsignal
 * proceeds with 32 zero bytes (docs/protocol.md notation, "DH"); only a malicious peer can
 * send such a key, and refusing it is harmless with honest ones.
 */
export function rejectLowOrder(shared: Uint8Array): Uint8Array {
  if (isAllZero(shared)) throw new ProtocolError('InvalidKey', 'X25519 with a low-order public key');
  return shared;
}

function x25519Agree(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  let shared: Uint8Array;
  try {
    shared = x25519.scalarMult(clampPrivateKey(privateKey), publicKey);
  } catch {
    // noble throws on the all-zero result; everything else was checked by the caller
    throw new ProtocolError('InvalidKey', 'X25519 with a low-order public key');
  }
  return rejectLowOrder(shared);
}

function aes256CbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
    throw new ProtocolError('InvalidMessage', 'AES-CBC ciphertext length is not a positive multiple of 16');
  }
  try {
    return cbc(key, iv).decrypt(ciphertext);
  } catch {
    throw new ProtocolError('InvalidMessage', 'AES-CBC bad padding');
  }
}

/**
 * @example
 * import { nobleBackend } from '@tacet/protocol';
 * const mac = nobleBackend.hmacSha256(key, data);
 */
export const nobleBackend: Primitives = Object.freeze({
  name: 'noble',
  randomBytes: (length: number) => randomBytes(length),
  sha256: (data: Uint8Array) => sha256(data),
  sha512: (data: Uint8Array) => sha512(data),
  sha3_256: (data: Uint8Array) => sha3_256(data),
  sha3_512: (data: Uint8Array) => sha3_512(data),
  shake128: (data: Uint8Array, length: number) => shake128(data, { dkLen: length }),
  shake256: (data: Uint8Array, length: number) => shake256(data, { dkLen: length }),
  hmacSha256: (key: Uint8Array, data: Uint8Array) => hmac(sha256, key, data),
  hkdfSha256: (ikm: Uint8Array, salt: Uint8Array | undefined, info: Uint8Array, length: number) =>
    hkdf(sha256, ikm, salt ?? new Uint8Array(32), info, length),
  prepareHkdfSha256: prepareHkdfNoble,
  aes256CbcEncrypt: (key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array) =>
    cbc(key, iv).encrypt(plaintext),
  aes256CbcDecrypt,
  aes256Ctr: (key: Uint8Array, iv: Uint8Array, data: Uint8Array) => ctr(key, iv).encrypt(data),
  x25519Generate: () => {
    const privateKey = clampPrivateKey(randomBytes(32));
    return { privateKey, publicKey: x25519.scalarMultBase(privateKey) };
  },
  x25519PublicKey: (privateKey: Uint8Array) => x25519.scalarMultBase(clampPrivateKey(privateKey)),
  x25519Agree,
  xeddsaSign: xeddsaSignNoble,
  xeddsaVerify: xeddsaVerifyNoble,
});
/** The name every `#crypto-backend` target exports, whichever file the condition picks. */
export { nobleBackend as backend };
