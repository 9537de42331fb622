/**
 * SPQR as the Double Ratchet sees it (the role of spqr::send / spqr::recv in
 * libsignal's triple ratchet): every outgoing message gets the braid's next
 * payload plus a key from the PQ chain, every incoming one feeds its payload
 * to the braid and yields the key its sender used. The key is the HKDF salt
 * of that message's "WhisperMessageKeys" (see session/kdf.ts).
 *
 * Only V1 with minimum version V1 exists here, as in libsignal 0.103: a
 * message without an SPQR payload is refused with ProtocolError
 * 'PqRatchetRequired' (no downgrade to the classic ratchet).
 */
import { primitives } from '../crypto/index.js';
import { ProtocolError } from '../errors.js';
import { MAX_FORWARD_JUMPS, MAX_MESSAGE_KEYS, MAX_SELF_FORWARD_JUMPS } from '../limits.js';
import { type BraidState, braidRecv, braidSend, initialBraid, type RandomSource } from './braid.js';
import { decodeSpqrMessage, encodeSpqrMessage } from './message.js';
import { addEpoch, newChain, type PqChain, recvKey, sendKey } from './pq-chain.js';

export interface PqRatchetState {
  readonly braid: BraidState;
  readonly chain: PqChain;
}

export interface PqSend {
  state: PqRatchetState;
  /** The bytes for SignalMessage field 5. */
  message: Uint8Array;
  key: Uint8Array;
}

export interface PqRecv {
  state: PqRatchetState;
  /** Undefined only for a payload that used no chain key (index 0 in epoch 1). */
  key: Uint8Array | undefined;
}

/**
 * The state right after PQXDH: `authKey` is the third 32 bytes of the PQXDH
 * HKDF output. The initiator's direction is A2B. Self sessions get the same
 * larger jump bound as the Double Ratchet's note-to-self chains.
 */
export function initialPqRatchet(
  authKey: Uint8Array,
  initiator: boolean,
  selfSession: boolean,
): PqRatchetState {
  if (authKey.length !== 32) throw new RangeError('initialPqRatchet: auth key must be 32 bytes');
  return {
    braid: initialBraid(authKey, initiator),
    chain: newChain(
      authKey,
      initiator ? 'A2B' : 'B2A',
      selfSession ? MAX_SELF_FORWARD_JUMPS : MAX_FORWARD_JUMPS,
      MAX_MESSAGE_KEYS,
    ),
  };
}

export function pqSend(state: PqRatchetState, random: RandomSource = primitives.randomBytes): PqSend {
  const b = braidSend(state.braid, random);
  const chain = b.secret === undefined ? state.chain : addEpoch(state.chain, b.secret.epoch, b.secret.secret);
  const k = sendKey(chain, b.epoch - 1);
  const message = encodeSpqrMessage({ epoch: b.epoch, index: k.index, type: b.type, chunk: b.chunk });
  return { state: { braid: b.state, chain: k.chain }, message, key: k.key };
}

/** Throws ProtocolError 'PqRatchetRequired' for an empty payload, 'InvalidMessage' for a bad one. */
export function pqRecv(state: PqRatchetState, bytes: Uint8Array): PqRecv {
  if (bytes.length === 0)
    throw new ProtocolError('PqRatchetRequired', 'message carries no post-quantum ratchet payload');
  const m = decodeSpqrMessage(bytes);
  const r = braidRecv(state.braid, m.epoch, m.type, m.chunk);
  let chain = r.secret === undefined ? state.chain : addEpoch(state.chain, r.secret.epoch, r.secret.secret);
  const keyEpoch = m.epoch - 1;
  let key: Uint8Array | undefined;
  if (keyEpoch !== 0 || m.index !== 0) ({ chain, key } = recvKey(chain, keyEpoch, m.index));
  return { state: { braid: r.state, chain }, key };
}
