/**
 * One sender-key chain as a receiver (or its owner) holds it: chain id,
 * current iteration and chain key, the sender's signing key (plus its private
 * half when we are the sender) and the seeds of skipped messages.
 *
 * Receiving is two-phase: `prepareReceive` derives the key without touching
 * the state, and the returned `commit` applies the change only once the
 * message has been authenticated and decrypted. A failed message therefore
 * never advances a chain or consumes a skipped key (docs/protocol.md §4.4 "work on a copy").
 */
import { ProtocolError } from '../errors.js';
import type { PrivateKey, PublicKey } from '../keys/index.js';
import { SENDER_KEY_MAX_FORWARD_JUMPS, SENDER_KEY_MAX_MESSAGE_KEYS } from '../limits.js';
import { nextSenderChainKey, senderMessageSeed } from './sender-key-keys.js';

/** Highest iteration a chain can reach; advancing past it is an error (docs/protocol.md §6). */
export const MAX_ITERATION = 0xffff_ffff;

/** The message-key seed of one iteration and how to make its use permanent. */
export interface SenderKeyStep {
  readonly iteration: number;
  readonly seed: Uint8Array;
  /** Applies the state change (advance the chain / consume the skipped key). */
  commit(): void;
}

/** Fields of a SenderKeyState, as stored and as built from a distribution message. */
export interface SenderKeyStateInit {
  messageVersion: number;
  chainId: number;
  iteration: number;
  chainKey: Uint8Array;
  signingKey: PublicKey;
  signingPrivateKey?: PrivateKey | undefined;
  /** Skipped message-key seeds by iteration, oldest first. */
  skipped?: Map<number, Uint8Array>;
}

/**
 * @example
 * const step = state.prepareReceive(message.iteration);
 * const plaintext = decrypt(senderMessageKeys(step.seed), message.ciphertext);
 * step.commit();
 */
export class SenderKeyState {
  readonly messageVersion: number;
  readonly chainId: number;
  readonly signingKey: PublicKey;
  readonly signingPrivateKey: PrivateKey | undefined;
  /** Iteration of `chainKey`, i.e. of the next message this chain will produce. */
  iteration: number;
  chainKey: Uint8Array;
  readonly skipped: Map<number, Uint8Array>;

  constructor(init: SenderKeyStateInit) {
    this.messageVersion = init.messageVersion;
    this.chainId = init.chainId;
    this.iteration = init.iteration;
    this.chainKey = init.chainKey;
    this.signingKey = init.signingKey;
    this.signingPrivateKey = init.signingPrivateKey;
    this.skipped = init.skipped ?? new Map();
  }

  /** The key for the next outgoing message; commit advances the chain. */
  prepareSend(): SenderKeyStep {
    if (this.iteration >= MAX_ITERATION) {
      throw new ProtocolError('InvalidSenderKeySession', 'sender key chain exhausted', {
        chainId: this.chainId,
      });
    }
    const iteration = this.iteration;
    const seed = senderMessageSeed(this.chainKey);
    const next = nextSenderChainKey(this.chainKey);
    return { iteration, seed, commit: () => this.advanceTo(iteration + 1, next) };
  }

  /**
   * The key for an incoming `iteration`. An old iteration needs its stored
   * skipped seed (else DuplicatedMessage); a new one may jump at most
   * SENDER_KEY_MAX_FORWARD_JUMPS ahead, so a hostile counter costs bounded work.
   */
  prepareReceive(iteration: number): SenderKeyStep {
    if (iteration < this.iteration) return this.prepareOld(iteration);
    const jump = iteration - this.iteration;
    if (jump > SENDER_KEY_MAX_FORWARD_JUMPS) {
      throw new ProtocolError('InvalidMessage', 'sender key message from too far into the future', {
        iteration,
        current: this.iteration,
      });
    }
    if (iteration >= MAX_ITERATION) {
      throw new ProtocolError('InvalidMessage', 'sender key iteration would overflow', { iteration });
    }
    return this.prepareJump(iteration);
  }

  private prepareOld(iteration: number): SenderKeyStep {
    const seed = this.skipped.get(iteration);
    if (seed === undefined) {
      throw new ProtocolError('DuplicatedMessage', `sender key message with old iteration ${iteration}`, {
        iteration,
        current: this.iteration,
      });
    }
    return {
      iteration,
      seed,
      commit: () => {
        this.skipped.delete(iteration);
        seed.fill(0);
      },
    };
  }

  private prepareJump(iteration: number): SenderKeyStep {
    // Only the newest MAX_MESSAGE_KEYS skipped seeds survive, so older ones are
    // never derived: the chain still steps, but half the HMACs are saved.
    const keepFrom = iteration - SENDER_KEY_MAX_MESSAGE_KEYS;
    const newSkipped: Array<[number, Uint8Array]> = [];
    let chainKey = this.chainKey;
    for (let i = this.iteration; i < iteration; i++) {
      if (i >= keepFrom) newSkipped.push([i, senderMessageSeed(chainKey)]);
      chainKey = this.stepAndWipe(chainKey);
    }
    const seed = senderMessageSeed(chainKey);
    const next = this.stepAndWipe(chainKey);
    return {
      iteration,
      seed,
      commit: () => {
        for (const [i, s] of newSkipped) this.skipped.set(i, s);
        this.trimSkipped();
        this.advanceTo(iteration + 1, next);
      },
    };
  }

  /** The next chain key; wipes `chainKey` unless it is the committed one (still needed on failure). */
  private stepAndWipe(chainKey: Uint8Array): Uint8Array {
    const next = nextSenderChainKey(chainKey);
    if (chainKey !== this.chainKey) chainKey.fill(0);
    return next;
  }

  private advanceTo(iteration: number, chainKey: Uint8Array): void {
    // Forward secrecy: a passed chain key must not linger in memory.
    const previous = this.chainKey;
    this.iteration = iteration;
    this.chainKey = chainKey;
    if (previous !== chainKey) previous.fill(0);
  }

  /** Drops the oldest skipped seeds beyond the limit (a Map iterates in insertion order). */
  private trimSkipped(): void {
    for (const key of this.skipped.keys()) {
      if (this.skipped.size <= SENDER_KEY_MAX_MESSAGE_KEYS) break;
      this.skipped.delete(key);
    }
  }
}
