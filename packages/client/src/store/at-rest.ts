/**
 * Encryption at rest for local stores (isomorphic). A random 32-byte data key
 * encrypts everything; the passphrase only wraps that key (scrypt, then
 * AES-256-GCM), so a wrong passphrase fails authentication and is reported
 * as such, and changing the passphrase never re-encrypts the data. Lookup keys
 * are replaced by HMAC tags so names and account ids never sit in the clear.
 * Each message gets its own random key (see `sealMessage`): deleting that key
 * row shreds the message even if old pages linger somewhere.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { ClientError } from '../errors.js';

const NONCE = 12;
const WRAP_AAD = utf8ToBytes('tacet-store-v1 data key');

/** scrypt parameters, stored beside the salt so a profile always opens with its own cost. */
export interface KdfParams {
  readonly alg: 'scrypt';
  /** log2 of scrypt's N. */
  readonly logN: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Uint8Array;
}

/** Derives the 32-byte key-encryption key from a passphrase. */
export type PassphraseKdf = (passphrase: string, params: KdfParams) => Promise<Uint8Array>;

/** Default cost: N = 2^17, r = 8 (128 MiB, a few hundred ms), the scrypt paper's interactive setting scaled to 2020s hardware. */
export const DEFAULT_SCRYPT_LOG_N = 17;
/** Below 2^14 scrypt no longer slows a guessing attacker meaningfully. */
export const MIN_SCRYPT_LOG_N = 14;

/** Fresh scrypt parameters with a random 16-byte salt. */
export function newKdfParams(logN = DEFAULT_SCRYPT_LOG_N): KdfParams {
  if (!Number.isInteger(logN) || logN < MIN_SCRYPT_LOG_N || logN > 22) {
    throw new RangeError(`logN must be an integer in ${MIN_SCRYPT_LOG_N}..22, got ${logN}`);
  }
  return { alg: 'scrypt', logN, r: 8, p: 1, salt: randomBytes(16) };
}

/** The audited pure-JS scrypt (@noble/hashes); Node passes its native one instead. */
export const nobleScrypt: PassphraseKdf = (passphrase, params) =>
  scryptAsync(utf8ToBytes(passphrase.normalize('NFKC')), params.salt, {
    N: 2 ** params.logN,
    r: params.r,
    p: params.p,
    dkLen: 32,
  });

/** AES-256-GCM, nonce prepended; Node plugs in node:crypto's (same bytes, several times faster). */
export interface Aead {
  seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /** Throws ClientError('StoreCorrupt') when authentication fails. */
  open(key: Uint8Array, blob: Uint8Array, aad: Uint8Array): Uint8Array;
}

/** AES-256-GCM with a random nonce prepended. */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE);
  const ct = gcm(key, nonce, aad).encrypt(plaintext);
  const out = new Uint8Array(NONCE + ct.length);
  out.set(nonce);
  out.set(ct, NONCE);
  return out;
}

/** Inverse of `seal`; throws ClientError('StoreCorrupt') when authentication fails. */
export function open(key: Uint8Array, blob: Uint8Array, aad: Uint8Array): Uint8Array {
  if (blob.length < NONCE + 16) throw new ClientError('StoreCorrupt', 'a stored record is truncated');
  try {
    return gcm(key, blob.subarray(0, NONCE), aad).decrypt(blob.subarray(NONCE));
  } catch {
    throw new ClientError(
      'StoreCorrupt',
      'a stored record failed authentication (tampered or corrupt store)',
    );
  }
}

/** The audited pure-JS AES-GCM (@noble/ciphers). */
export const nobleAead: Aead = { seal, open };

/** Wraps a new data key under a passphrase-derived key. */
export function wrapDataKey(kek: Uint8Array, dataKey: Uint8Array): Uint8Array {
  return seal(kek, dataKey, WRAP_AAD);
}

/** Unwraps the data key; a failed tag here means the passphrase is wrong. */
export function unwrapDataKey(kek: Uint8Array, wrapped: Uint8Array): Uint8Array {
  try {
    return open(kek, wrapped, WRAP_AAD);
  } catch {
    throw new ClientError(
      'WrongPassphrase',
      'wrong passphrase for this profile (check TACET_PASSPHRASE or type it again)',
    );
  }
}

/** Keys derived from the data key: one for sealing records, one for lookup tags. */
export class AtRestKeys {
  readonly #enc: Uint8Array;
  readonly #index: Uint8Array;
  /**
   * HMAC keyed once with the index key: each tag clones its padded inner and
   * outer states (two SHA-256 blocks for a short name) instead of hashing
   * both key pads again (four).
   */
  readonly #indexMac: ReturnType<typeof hmac.create>;
  /** The AEAD used for every sealed row, also under per-message keys. */
  readonly aead: Aead;

  constructor(dataKey: Uint8Array, aead: Aead = nobleAead) {
    this.aead = aead;
    this.#enc = hkdf(sha256, dataKey, undefined, utf8ToBytes('tacet-store-v1 enc'), 32);
    this.#index = hkdf(sha256, dataKey, undefined, utf8ToBytes('tacet-store-v1 index'), 32);
    this.#indexMac = hmac.create(sha256, this.#index);
  }

  /** A deterministic, keyed stand-in for a lookup key (namespace-separated). */
  tag(ns: string, key: string): Uint8Array {
    return this.#indexMac
      .clone()
      .update(utf8ToBytes(`${ns}\u0000${key}`))
      .digest();
  }

  seal(plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    return this.aead.seal(this.#enc, plaintext, aad);
  }

  open(blob: Uint8Array, aad: Uint8Array): Uint8Array {
    return this.aead.open(this.#enc, blob, aad);
  }

  /** Overwrites the derived keys; the store is unusable afterwards. */
  wipe(): void {
    this.#enc.fill(0);
    this.#index.fill(0);
    this.#indexMac.destroy();
  }
}
