/**
 * Key derivation of session version 4 (docs/protocol.md §3 step 6 and
 * §4.1): the PQXDH master secret, the root step, the chain step and the
 * per-message keys. Labels are verbatim; every function is pure and delegates
 * HMAC/HKDF to the crypto backend.
 */
import { primitives } from '../crypto/index.js';

const encoder = new TextEncoder();

/** HKDF info of a v4 (PQXDH) session's master secret (46 bytes). */
export const PQXDH_INFO = encoder.encode('WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024');
/** HKDF info of the root (DH ratchet) step. */
export const ROOT_INFO = encoder.encode('WhisperRatchet');
/** HKDF info of the per-message keys. */
export const MESSAGE_KEYS_INFO = encoder.encode('WhisperMessageKeys');

/** The 32 0xFF bytes that open the PQXDH secret string (the "F" of the X3DH paper). */
export const PQXDH_PREFIX = new Uint8Array(32).fill(0xff);

const MESSAGE_SEED_INPUT = Uint8Array.of(0x01);
const CHAIN_STEP_INPUT = Uint8Array.of(0x02);

/** A root key with the chain key it produced. */
export interface RootAndChain {
  rootKey: Uint8Array;
  chainKey: Uint8Array;
}

/** The three keys of one message (§4.1): AES-256 key, HMAC key, CBC IV. */
export interface MessageKeys {
  cipherKey: Uint8Array;
  macKey: Uint8Array;
  iv: Uint8Array;
}

/** The PQXDH output: root and first chain key, plus SPQR's initial key. */
export interface MasterKeys extends RootAndChain {
  /** Bytes 64..96 of the PQXDH HKDF output: SPQR's authentication key (libsignal ≥ 0.92). */
  pqrKey: Uint8Array;
}

/**
 * §3 step 6: HKDF(salt ∅, secrets, PQXDH_INFO, 96) split as root ‖ chain ‖
 * SPQR key. HKDF output is prefix-stable, so root and chain are the same 64
 * bytes a pre-SPQR session derived.
 */
export function deriveMasterKeys(secrets: Uint8Array): MasterKeys {
  const okm = primitives.hkdfSha256(secrets, undefined, PQXDH_INFO, 96);
  return { ...split64(okm), pqrKey: okm.slice(64, 96) };
}

/** §4.1 KDF_RK: HKDF(salt = root key, ikm = DH output, "WhisperRatchet", 64). */
export function rootStep(rootKey: Uint8Array, dhOutput: Uint8Array): RootAndChain {
  return split64(primitives.hkdfSha256(dhOutput, rootKey, ROOT_INFO, 64));
}

/** §4.1 chain step: the message-key seed of this chain key, HMAC(CK, 0x01). */
export function messageSeed(chainKey: Uint8Array): Uint8Array {
  return primitives.hmacSha256(chainKey, MESSAGE_SEED_INPUT);
}

/** §4.1 chain step: the next chain key, HMAC(CK, 0x02). */
export function nextChainKey(chainKey: Uint8Array): Uint8Array {
  return primitives.hmacSha256(chainKey, CHAIN_STEP_INPUT);
}

/**
 * §4.1 message keys: HKDF(salt, seed, "WhisperMessageKeys", 80) as key ‖ mac ‖ iv.
 * The salt is the SPQR chain key of the message (the triple ratchet's mix of
 * the PQ ratchet into every message key); classic sessions have none (salt ∅).
 */
export function messageKeys(seed: Uint8Array, pqKey?: Uint8Array): MessageKeys {
  const okm = primitives.hkdfSha256(seed, pqKey, MESSAGE_KEYS_INFO, 80);
  return { cipherKey: okm.subarray(0, 32), macKey: okm.subarray(32, 64), iv: okm.subarray(64, 80) };
}

function split64(okm: Uint8Array): RootAndChain {
  return { rootKey: okm.slice(0, 32), chainKey: okm.slice(32, 64) };
}
