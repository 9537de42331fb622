/**
 * Deterministic SPQR exchanges for tests that pin stored bytes: an LCG in
 * place of the CSPRNG, so the ML-KEM keys and ciphertexts, hence the
 * states, repeat run after run.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { initialPqRatchet, type PqRatchetState, pqRecv, pqSend } from '../../src/spqr/ratchet.js';

/** Bytes from a linear congruential generator started at `seed` (not random: repeatable). */
export function lcgBytes(seed: number): (n: number) => Uint8Array {
  return (n) =>
    Uint8Array.from({ length: n }, () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 24;
    });
}

export interface ExchangeShape {
  readonly seed: number;
  /** Every byte of the shared key. */
  readonly keyFill: number;
  readonly steps: number;
  /** Whether step `i` is sent by A (else by B, and A receives it). */
  readonly fromA: (i: number) => boolean;
  /** Whether A's message of step `i` is lost (B then holds skipped keys). */
  readonly lostFromA: (i: number) => boolean;
}

/** Both ends' states after each step of the exchange, [A, B] per step. */
export function pqExchange(shape: ExchangeShape): Array<[PqRatchetState, PqRatchetState]> {
  const random = lcgBytes(shape.seed);
  const key = new Uint8Array(32).fill(shape.keyFill);
  let a = initialPqRatchet(key, true, false);
  let b = initialPqRatchet(key, false, false);
  const out: Array<[PqRatchetState, PqRatchetState]> = [];
  for (let i = 0; i < shape.steps; i++) {
    if (shape.fromA(i)) {
      const s = pqSend(a, random);
      a = s.state;
      if (!shape.lostFromA(i)) b = pqRecv(b, s.message).state;
    } else {
      const s = pqSend(b, random);
      b = s.state;
      a = pqRecv(a, s.message).state;
    }
    out.push([a, b]);
  }
  return out;
}

/** Hex SHA-256 of the parts joined in order: one pin for many encodings. */
export function sha256OfAll(parts: readonly Uint8Array[]): string {
  const joined = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of parts) {
    joined.set(x, at);
    at += x.length;
  }
  return Buffer.from(sha256(joined)).toString('hex');
}
