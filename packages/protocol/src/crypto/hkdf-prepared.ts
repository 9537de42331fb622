/**
 * `Primitives.prepareHkdfSha256` on @noble/hashes (the browser's backend,
 * and Node's before 20.12): HKDF-SHA256 (RFC 5869) for many input keys under
 * one salt and one info, with at most 32 output bytes. It runs
 * hkdf-keyed.ts, which already keeps the all-zero salt's HMAC states (the
 * salt sealed sender v2 uses) for the process; this adds only the in-place
 * output. The Node form (hkdf-prepared.node.ts) shares its argument checks.
 * Checked against RFC 5869's vectors and against `hkdfSha256` on random
 * inputs, on both backends (test/kat/crypto-hkdf-prepared.test.ts).
 */
import { hkdfSha256Keyed } from './hkdf-keyed.js';
import type { PreparedHkdf } from './primitives.js';

/** Throws a RangeError unless `length` bytes at `offset` fit in `out` and 1 ≤ length ≤ 32. */
export function checkOutput(out: Uint8Array, offset: number, length: number): void {
  if (!Number.isInteger(length) || length < 1 || length > 32)
    throw new RangeError('prepared HKDF: length must be 1..32');
  if (!Number.isInteger(offset) || offset < 0 || offset + length > out.length)
    throw new RangeError('prepared HKDF: output does not fit');
}

/**
 * @example
 * const kdf = prepareHkdfNoble(undefined, LABEL);
 * kdf.deriveInto(ikm, out, 0, 32);
 */
export function prepareHkdfNoble(salt: Uint8Array | undefined, info: Uint8Array): PreparedHkdf {
  const saltCopy = salt?.slice();
  const infoCopy = info.slice();
  return {
    deriveInto(ikm: Uint8Array, out: Uint8Array, offset: number, length: number): void {
      checkOutput(out, offset, length);
      const okm = hkdfSha256Keyed(ikm, saltCopy, infoCopy, length);
      out.set(okm, offset);
      okm.fill(0);
    },
  };
}
