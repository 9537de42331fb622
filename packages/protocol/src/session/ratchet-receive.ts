/**
 * Receiving side of the Double Ratchet for one candidate state
 * (docs/protocol.md §4.4). Decryption is computed without touching the
 * state; only after the MAC verifies and the plaintext decrypts does the caller
 * run `commitDecryption()`, so a forged or corrupted message leaves nothing behind.
 */
import { constantTimeEqual, primitives, zeroize } from '../crypto/index.js';
import { ProtocolError } from '../errors.js';
import {
  MAX_FORWARD_JUMPS,
  MAX_MESSAGE_KEYS,
  MAX_RECEIVER_CHAINS,
  MAX_SELF_FORWARD_JUMPS,
} from '../limits.js';
import { type PqRatchetState, pqRecv } from '../spqr/ratchet.js';
import { messageKeys, messageSeed, nextChainKey, type RootAndChain, rootStep } from './kdf.js';
import { findReceiverChain, isSelfSession, type ReceiverChain, type SessionState } from './session-state.js';
import { computeMac, type SignalMessage } from './signal-message.js';

/** A verified decryption whose state changes `commitDecryption` applies. */
export interface PendingDecryption {
  readonly plaintext: Uint8Array;
  readonly state: SessionState;
  readonly chain: ReceiverChain;
  readonly counter: number;
  readonly advance: ChainAdvance;
  /** Set when the message started a new receiving chain (a DH ratchet step). */
  readonly step: RatchetStep | undefined;
  /** The SPQR state after this message (undefined for a classic session). */
  readonly pqRatchet: PqRatchetState | undefined;
}

/** Where the message key came from, and how the chain moves if we commit. */
export interface ChainAdvance {
  seed: Uint8Array;
  /** Set when the counter was at or past the chain index. */
  next?: { chainKey: Uint8Array; index: number; skipped: Array<[number, Uint8Array]> };
}

/**
 * Decrypts `message` against `state` without mutating it.
 * Throws ProtocolError: 'UnsupportedVersion', 'DuplicatedMessage' (old counter
 * with no stored key) or 'InvalidMessage' (MAC, padding, too far ahead).
 */
export function decryptWithState(
  state: SessionState,
  message: SignalMessage,
  binding?: ExpectedBinding,
): PendingDecryption {
  if (message.messageVersion !== state.version) {
    throw new ProtocolError('UnsupportedVersion', `unrecognized message version ${message.messageVersion}`);
  }
  let chain = findReceiverChain(state, message.ratchetKey);
  let step: RatchetStep | undefined;
  if (chain === undefined) {
    step = dhRatchetReceive(state, message.ratchetKey);
    chain = step.chain;
  }
  const advance = advanceChain(chain, message.counter, isSelfSession(state));
  // As libsignal: the Double Ratchet's checks first, then the PQ ratchet, then the MAC.
  // A classic session ignores field 5, as a pre-SPQR libsignal does.
  const pq = state.pqRatchet === undefined ? undefined : pqRecv(state.pqRatchet, message.pqRatchet);
  const keys = messageKeys(advance.seed, pq?.key);
  const mac = computeMac(keys.macKey, state.remoteIdentityKey, state.localIdentityKey, message.macInput);
  if (!constantTimeEqual(mac, message.mac)) throw new ProtocolError('InvalidMessage', 'bad MAC');
  checkBinding(message.addresses, binding);
  const plaintext = primitives.aes256CbcDecrypt(keys.cipherKey, keys.iv, message.ciphertext);
  zeroize(keys.cipherKey, keys.macKey, keys.iv);
  return { plaintext, state, chain, counter: message.counter, advance, step, pqRatchet: pq?.state };
}

/**
 * What a receiver that knows its own address expects in field 6
 * (address-binding.ts): the binding of (sender, us), or undefined when either
 * name is not a service id. A receiver that does not know it passes no
 * ExpectedBinding, and field 6 goes unchecked.
 */
export interface ExpectedBinding {
  expected: Uint8Array | undefined;
}

/** As libsignal: a present binding must equal the one we compute, else the message is refused. */
function checkBinding(present: Uint8Array | undefined, binding: ExpectedBinding | undefined): void {
  if (present === undefined || binding === undefined) return;
  if (binding.expected === undefined || !constantTimeEqual(present, binding.expected)) {
    throw new ProtocolError('InvalidMessage', 'message is bound to other addresses');
  }
}

/** Applies a verified decryption to its state. */
export function commitDecryption(p: PendingDecryption): void {
  if (p.step !== undefined) completeRatchetStep(p.state, p.step);
  applyAdvance(p.chain, p.counter, p.advance);
  p.state.pqRatchet = p.pqRatchet;
  // A reply proves the peer has the session: stop sending PreKey messages.
  p.state.pendingPreKey = undefined;
}

/** The first half of a DH ratchet step: the new receiving chain, not yet in the state. */
export interface RatchetStep {
  chain: ReceiverChain;
  rootKey: Uint8Array;
}

function dhRatchetReceive(state: SessionState, theirRatchet: Uint8Array): RatchetStep {
  const dh = primitives.x25519Agree(state.senderChain.ratchetPrivate, theirRatchet);
  const derived: RootAndChain = rootStep(state.rootKey, dh);
  const chain: ReceiverChain = {
    ratchetPublic: theirRatchet,
    chainKey: derived.chainKey,
    index: 0,
    skipped: new Map(),
  };
  return { chain, rootKey: derived.rootKey };
}

/**
 * The second half of the step, run only once the message verified: a fresh
 * sending ratchet key, so a forged message never costs us a key generation.
 */
function completeRatchetStep(state: SessionState, step: RatchetStep): void {
  const fresh = primitives.x25519Generate();
  const dh = primitives.x25519Agree(fresh.privateKey, step.chain.ratchetPublic);
  const derived = rootStep(step.rootKey, dh);
  state.rootKey = derived.rootKey;
  state.receiverChains.push(step.chain);
  if (state.receiverChains.length > MAX_RECEIVER_CHAINS) state.receiverChains.shift();
  state.previousCounter = Math.max(state.senderChain.index - 1, 0);
  state.senderChain = {
    ratchetPublic: fresh.publicKey,
    ratchetPrivate: fresh.privateKey,
    chainKey: derived.chainKey,
    index: 0,
  };
}

/** Finds or derives the seed for `counter`, checking the limits before any derivation. */
function advanceChain(chain: ReceiverChain, counter: number, selfSession: boolean): ChainAdvance {
  if (counter < chain.index) {
    const seed = chain.skipped.get(counter);
    if (seed === undefined) {
      throw new ProtocolError('DuplicatedMessage', `message with old counter ${counter} / ${chain.index}`, {
        counter,
        index: chain.index,
      });
    }
    return { seed };
  }
  const jump = counter - chain.index;
  if (jump > (selfSession ? MAX_SELF_FORWARD_JUMPS : MAX_FORWARD_JUMPS)) {
    throw new ProtocolError('InvalidMessage', 'message from too far into the future', { jump });
  }
  let chainKey = chain.chainKey;
  const skipped: Array<[number, Uint8Array]> = [];
  for (let i = chain.index; i < counter; i++) {
    // Only the newest MAX_MESSAGE_KEYS seeds survive, so don't derive the rest.
    if (counter - i <= MAX_MESSAGE_KEYS) skipped.push([i, messageSeed(chainKey)]);
    chainKey = nextChainKey(chainKey);
  }
  const seed = messageSeed(chainKey);
  return { seed, next: { chainKey: nextChainKey(chainKey), index: counter + 1, skipped } };
}

function applyAdvance(chain: ReceiverChain, counter: number, advance: ChainAdvance): void {
  if (advance.next === undefined) {
    chain.skipped.delete(counter);
    return;
  }
  chain.chainKey = advance.next.chainKey;
  chain.index = advance.next.index;
  for (const [index, seed] of advance.next.skipped) chain.skipped.set(index, seed);
  // Map iteration order is insertion order, so the first keys are the oldest.
  for (const index of chain.skipped.keys()) {
    if (chain.skipped.size <= MAX_MESSAGE_KEYS) break;
    chain.skipped.delete(index);
  }
}
