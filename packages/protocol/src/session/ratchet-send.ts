/**
 * Sending side of the Double Ratchet (docs/protocol.md §4.3): derive
 * the next message key from the sending chain, encrypt, MAC, and wrap in a
 * PreKeySignalMessage while the session is unacknowledged. Like the receiving
 * side, the state moves only when the caller commits.
 */
import { primitives, zeroize } from '../crypto/index.js';
import { ProtocolError } from '../errors.js';
import { MAX_COUNTER } from '../limits.js';
import { type PqRatchetState, pqSend } from '../spqr/ratchet.js';
import { messageKeys, messageSeed, nextChainKey } from './kdf.js';
import { PreKeySignalMessage } from './prekey-signal-message.js';
import type { SessionState } from './session-state.js';
import { SignalMessage } from './signal-message.js';

/** An encrypted message whose chain advance `commitEncryption` applies. */
export interface PendingEncryption {
  readonly message: SignalMessage | PreKeySignalMessage;
  readonly state: SessionState;
  /** The SPQR state after this message (undefined for a classic session). */
  readonly pqRatchet: PqRatchetState | undefined;
}

/** Encrypts `plaintext` with the state's sending chain without mutating the state. */
export function encryptWithState(
  state: SessionState,
  plaintext: Uint8Array,
  addresses?: Uint8Array,
): PendingEncryption {
  const chain = state.senderChain;
  if (chain.index >= MAX_COUNTER) throw new ProtocolError('InvalidMessage', 'sending chain exhausted');
  // The PQ ratchet's key of this message salts its message keys (the triple ratchet).
  const pq = state.pqRatchet === undefined ? undefined : pqSend(state.pqRatchet);
  const keys = messageKeys(messageSeed(chain.chainKey), pq?.key);
  const ciphertext = primitives.aes256CbcEncrypt(keys.cipherKey, keys.iv, plaintext);
  const signal = SignalMessage.create({
    messageVersion: state.version,
    macKey: keys.macKey,
    senderIdentityKey: state.localIdentityKey,
    receiverIdentityKey: state.remoteIdentityKey,
    ratchetKey: chain.ratchetPublic,
    counter: chain.index,
    previousCounter: state.previousCounter,
    ciphertext,
    pqRatchet: pq?.message,
    addresses,
  });
  const pending = state.pendingPreKey;
  const message =
    pending === undefined
      ? signal
      : PreKeySignalMessage.create({
          messageVersion: state.version,
          registrationId: state.localRegistrationId,
          preKeyId: pending.preKeyId,
          signedPreKeyId: pending.signedPreKeyId,
          kyberPreKeyId: pending.kyberPreKeyId,
          kyberCiphertext: pending.kyberCiphertext,
          baseKey: pending.baseKey,
          identityKey: state.localIdentityKey,
          message: signal,
        });
  zeroize(keys.cipherKey, keys.macKey, keys.iv);
  return { message, state, pqRatchet: pq?.state };
}

/** Moves the sending chain past the key `encryptWithState` used. */
export function commitEncryption(p: PendingEncryption): void {
  const chain = p.state.senderChain;
  chain.chainKey = nextChainKey(chain.chainKey);
  chain.index += 1;
  p.state.pqRatchet = p.pqRatchet;
}
