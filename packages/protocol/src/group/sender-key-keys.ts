/**
 * Sender-key chain and message keys (docs/protocol.md §6, "Keys"). The chain step is the
 * same HMAC pair as the 1:1 ratchet, but the message keys come from
 * HKDF "WhisperGroup" and are laid out IV FIRST, then the AES key — the
 * reverse of the 1:1 order (docs/protocol.md §9, pitfall 8).
 */
import { primitives } from '../crypto/index.js';

/** HKDF info of sender-key message keys, verbatim. */
export const SENDER_KEY_MESSAGE_INFO = new TextEncoder().encode('WhisperGroup');

const MESSAGE_SEED_INPUT = Uint8Array.of(0x01);
const CHAIN_STEP_INPUT = Uint8Array.of(0x02);

/** The AES-256-CBC key and IV of one group message. */
export interface SenderMessageKeys {
  readonly iv: Uint8Array;
  readonly cipherKey: Uint8Array;
}

/**
 * The message-key seed of a chain key: HMAC(CK, 0x01).
 *
 * @example
 * const keys = senderMessageKeys(senderMessageSeed(chainKey));
 */
export function senderMessageSeed(chainKey: Uint8Array): Uint8Array {
  return primitives.hmacSha256(chainKey, MESSAGE_SEED_INPUT);
}

/**
 * The next chain key: HMAC(CK, 0x02).
 *
 * @example
 * chainKey = nextSenderChainKey(chainKey);
 */
export function nextSenderChainKey(chainKey: Uint8Array): Uint8Array {
  return primitives.hmacSha256(chainKey, CHAIN_STEP_INPUT);
}

/**
 * HKDF(salt ∅, seed, "WhisperGroup", 48) split as IV (0..16) ‖ key (16..48).
 *
 * @example
 * const { iv, cipherKey } = senderMessageKeys(seed);
 */
export function senderMessageKeys(seed: Uint8Array): SenderMessageKeys {
  const okm = primitives.hkdfSha256(seed, undefined, SENDER_KEY_MESSAGE_INFO, 48);
  return { iv: okm.subarray(0, 16), cipherKey: okm.subarray(16, 48) };
}
