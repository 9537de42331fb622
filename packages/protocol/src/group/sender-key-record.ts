/**
 * SenderKeyRecord: every chain we hold for one (sender, distribution id), newest
 * first, at most SENDER_KEY_MAX_STATES (docs/protocol.md §6 "Record rules"). Storage bytes
 * are tacet's own schema (sender-key-record-codec.ts), not libsignal's.
 */
import type { PrivateKey, PublicKey } from '../keys/index.js';
import { SENDER_KEY_MAX_STATES } from '../limits.js';
import { decodeSenderKeyRecord, encodeSenderKeyRecord } from './sender-key-record-codec.js';
import { SenderKeyState } from './sender-key-state.js';

/**
 * @example
 * const record = bytes ? SenderKeyRecord.deserialize(bytes) : new SenderKeyRecord();
 * record.addState(3, skdm.chainId, skdm.iteration, skdm.chainKey, skdm.signingKey);
 * await store.saveSenderKey(sender, distributionId, record);
 */
export class SenderKeyRecord {
  /** Newest first. */
  readonly states: SenderKeyState[];

  constructor(states: SenderKeyState[] = []) {
    this.states = states;
  }

  /**
   * Parses stored bytes; throws ProtocolError('InvalidSenderKeySession') on
   * anything malformed, including more states or skipped keys than the limits.
   */
  static deserialize(bytes: Uint8Array): SenderKeyRecord {
    return new SenderKeyRecord(decodeSenderKeyRecord(bytes));
  }

  serialize(): Uint8Array {
    return encodeSenderKeyRecord(this.states);
  }

  isEmpty(): boolean {
    return this.states.length === 0;
  }

  /** The newest state, the one a sender encrypts with. */
  currentState(): SenderKeyState | undefined {
    return this.states[0];
  }

  stateForChainId(chainId: number): SenderKeyState | undefined {
    return this.states.find((s) => s.chainId === chainId);
  }

  /**
   * Adds a chain learned from a distribution message. The same chain id with
   * the same signing key keeps the existing state untouched (a replayed SKDM
   * must not rewind the chain); the same chain id with another key replaces it.
   */
  addState(
    messageVersion: number,
    chainId: number,
    iteration: number,
    chainKey: Uint8Array,
    signingKey: PublicKey,
    signingPrivateKey?: PrivateKey,
  ): void {
    const existing = this.stateForChainId(chainId);
    if (existing?.signingKey.equals(signingKey)) return;
    for (let i = this.states.length - 1; i >= 0; i--) {
      if (this.states[i]?.chainId === chainId) this.states.splice(i, 1);
    }
    this.states.unshift(
      new SenderKeyState({ messageVersion, chainId, iteration, chainKey, signingKey, signingPrivateKey }),
    );
    this.states.length = Math.min(this.states.length, SENDER_KEY_MAX_STATES);
  }

  /** Replaces every state with one (used when we create our own chain). */
  setState(state: SenderKeyState): void {
    this.states.length = 0;
    this.states.push(state);
  }
}
