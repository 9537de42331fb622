/**
 * The in-memory shape of one session state (docs/protocol.md §3, §4):
 * root key, one sending chain, up to MAX_RECEIVER_CHAINS receiving chains with
 * their skipped message-key seeds, and the pending-prekey data an initiator
 * repeats until the first reply. Keys are kept as raw bytes so the ratchet's
 * hot path never re-encodes them; the storage codec (record-codec.ts) owns
 * persistence.
 */

import type { PqRatchetState } from '../spqr/ratchet.js';

/** Session version 4: PQXDH with a Kyber prekey, then the Double Ratchet. */
export const SESSION_VERSION = 4;

/** Our current sending chain: the ratchet key pair it belongs to, its chain key and index. */
export interface SenderChain {
  /** Raw 32-byte X25519 public key (the u-coordinate). */
  ratchetPublic: Uint8Array;
  /** Raw 32-byte clamped X25519 private key. */
  ratchetPrivate: Uint8Array;
  chainKey: Uint8Array;
  index: number;
}

/** A receiving chain keyed by the peer's ratchet public key. */
export interface ReceiverChain {
  /** Raw 32-byte X25519 public key of the peer's ratchet key. */
  ratchetPublic: Uint8Array;
  chainKey: Uint8Array;
  index: number;
  /** Skipped counter -> message-key seed; insertion order is age (oldest first). */
  skipped: Map<number, Uint8Array>;
}

/** What the initiator repeats in every PreKeySignalMessage until the first reply (§3). */
export interface PendingPreKey {
  preKeyId: number | undefined;
  signedPreKeyId: number;
  /** Serialized (33-byte) base key. */
  baseKey: Uint8Array;
  /** Creation time, ms since the epoch (MAX_UNACKNOWLEDGED_SESSION_AGE_MS counts from here). */
  timestamp: number;
  kyberPreKeyId: number;
  /** The KEM ciphertext with its type prefix, repeated verbatim. */
  kyberCiphertext: Uint8Array;
}

/** One Double Ratchet session with one peer device. */
export interface SessionState {
  version: number;
  /** Serialized (33-byte) identity keys; used verbatim in every MAC (§4.2). */
  localIdentityKey: Uint8Array;
  remoteIdentityKey: Uint8Array;
  rootKey: Uint8Array;
  previousCounter: number;
  senderChain: SenderChain;
  /** Oldest first; at most MAX_RECEIVER_CHAINS. */
  receiverChains: ReceiverChain[];
  pendingPreKey: PendingPreKey | undefined;
  localRegistrationId: number;
  remoteRegistrationId: number;
  /** Serialized (33-byte) base key of the initiator; identifies the session on PreKey messages. */
  aliceBaseKey: Uint8Array;
  /**
   * The SPQR (post-quantum ratchet) state. Undefined only for a classic
   * session: one stored before SPQR (record schema 1), or one made on purpose
   * for a pre-SPQR libsignal peer (SessionStores.legacyClassicRatchet).
   */
  pqRatchet: PqRatchetState | undefined;
}

/** Byte equality for public values (keys, ids); not for secrets. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The receiving chain for a peer ratchet key, if we still keep one. */
export function findReceiverChain(state: SessionState, ratchetPublic: Uint8Array): ReceiverChain | undefined {
  // Newest first: in-order traffic almost always hits the last chain added.
  for (let i = state.receiverChains.length - 1; i >= 0; i--) {
    const chain = state.receiverChains[i] as ReceiverChain;
    if (bytesEqual(chain.ratchetPublic, ratchetPublic)) return chain;
  }
  return undefined;
}

/** True when both ends are the same identity (note-to-self across own devices): no jump limit (§4.4). */
export function isSelfSession(state: SessionState): boolean {
  return bytesEqual(state.localIdentityKey, state.remoteIdentityKey);
}
