/**
 * Proof-of-work for anonymous registration (hashcash-like). The server hands
 * out an opaque challenge string and a difficulty in bits; the client finds a
 * nonce such that SHA-256(ascii(challenge) ‖ u64be(nonce)) starts with `bits`
 * zero bits. Expected cost: 2^bits hashes for the client, one for the server.
 * This module owns the puzzle only; issuing, expiring and single-use of
 * challenges are the server's job.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ErrorCode, WireError } from './errors.js';

/** Hardest difficulty anyone may ask for: more would take a phone days. */
export const POW_MAX_BITS = 32;
/** Longest challenge string accepted (keeps hashing of outside input bounded). */
export const POW_MAX_CHALLENGE_LENGTH = 256;

function assertBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 0 || bits > POW_MAX_BITS) {
    throw new RangeError(`bits must be an integer in 0..${POW_MAX_BITS}`);
  }
}

function input(challenge: string): Uint8Array {
  if (
    typeof challenge !== 'string' ||
    challenge.length > POW_MAX_CHALLENGE_LENGTH ||
    !/^[\x21-\x7e]*$/.test(challenge)
  ) {
    throw new WireError(ErrorCode.PowInvalid, 'challenge must be printable ASCII', 'pow.challenge');
  }
  const buf = new Uint8Array(challenge.length + 8);
  for (let i = 0; i < challenge.length; i++) buf[i] = challenge.charCodeAt(i);
  return buf;
}

function setNonce(buf: Uint8Array, nonce: number): void {
  const at = buf.length - 8;
  const hi = Math.floor(nonce / 2 ** 32);
  const lo = nonce >>> 0;
  buf[at] = hi >>> 24;
  buf[at + 1] = (hi >>> 16) & 0xff;
  buf[at + 2] = (hi >>> 8) & 0xff;
  buf[at + 3] = hi & 0xff;
  buf[at + 4] = lo >>> 24;
  buf[at + 5] = (lo >>> 16) & 0xff;
  buf[at + 6] = (lo >>> 8) & 0xff;
  buf[at + 7] = lo & 0xff;
}

/** Number of leading zero bits of a digest. */
export function leadingZeroBits(digest: Uint8Array): number {
  let n = 0;
  for (const b of digest) {
    if (b === 0) {
      n += 8;
      continue;
    }
    return n + Math.clz32(b) - 24;
  }
  return n;
}

/**
 * Whether `nonce` solves `challenge` at `bits` difficulty. Never throws on
 * outside input: a malformed nonce or challenge is simply not a solution.
 * @example checkPow(challenge, 20, solvePow(challenge, 20)) // true
 */
export function checkPow(challenge: string, bits: number, nonce: unknown): boolean {
  assertBits(bits);
  if (typeof nonce !== 'number' || !Number.isSafeInteger(nonce) || nonce < 0) return false;
  let buf: Uint8Array;
  try {
    buf = input(challenge);
  } catch {
    return false;
  }
  setNonce(buf, nonce);
  return leadingZeroBits(sha256(buf)) >= bits;
}

/**
 * Finds a nonce for `challenge` at `bits` difficulty, trying `start`, start+1, ...
 * Synchronous; see {@link solvePowAsync} to stay responsive in a UI.
 * @example const nonce = solvePow(challenge, 20)
 */
export function solvePow(
  challenge: string,
  bits: number,
  start = 0,
  count = Number.MAX_SAFE_INTEGER,
): number {
  assertBits(bits);
  const buf = input(challenge);
  const end = Math.min(Number.MAX_SAFE_INTEGER, start + count);
  for (let nonce = start; nonce < end; nonce++) {
    setNonce(buf, nonce);
    if (leadingZeroBits(sha256(buf)) >= bits) return nonce;
  }
  return -1;
}

/**
 * Like {@link solvePow} but yields to the event loop every `sliceSize`
 * attempts, and stops with the signal's reason when aborted.
 * @example const nonce = await solvePowAsync(challenge, 20, { signal })
 */
export async function solvePowAsync(
  challenge: string,
  bits: number,
  options: { signal?: AbortSignal; sliceSize?: number } = {},
): Promise<number> {
  const slice = options.sliceSize ?? 4096;
  for (let start = 0; ; start += slice) {
    options.signal?.throwIfAborted();
    const nonce = solvePow(challenge, bits, start, slice);
    if (nonce >= 0) return nonce;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
}
