/**
 * Distribution ids: the UUID naming one sender-key chain set (one group, as
 * one sender sees it). The API takes the textual form, as libsignal's does;
 * the wire carries the 16 raw bytes in textual order (docs/protocol.md §6, SKDM tag 1).
 */

/** One-entry memo: a sender encrypts to the same group many times in a row. */
let memo: { text: string; bytes: Uint8Array; canonical: string } | undefined;

/** The value of one hex digit's char code, or -1. */
function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

const DASHES = [8, 13, 18, 23];

/**
 * Writes the 16 bytes of a textual UUID (8-4-4-4-12 hex digits, either
 * case) into `out` at `offset`; false, with `out` possibly half-written, for
 * anything else. Char codes, no regex or substrings: sealed sender v2 runs
 * it once per recipient of every group message.
 */
export function uuidBytesInto(text: string, out: Uint8Array, offset: number): boolean {
  if (typeof text !== 'string' || text.length !== 36) return false;
  for (const at of DASHES) if (text.charCodeAt(at) !== 0x2d) return false;
  for (let i = 0, at = 0; i < 16; i++, at += 2) {
    if (at === 8 || at === 13 || at === 18 || at === 23) at++;
    const hi = hexValue(text.charCodeAt(at));
    const lo = hexValue(text.charCodeAt(at + 1));
    if (hi < 0 || lo < 0) return false;
    out[offset + i] = (hi << 4) | lo;
  }
  return true;
}

function parse(distributionId: string): { text: string; bytes: Uint8Array; canonical: string } {
  if (memo?.text === distributionId) return memo;
  const bytes = new Uint8Array(16);
  if (!uuidBytesInto(distributionId, bytes, 0)) throw new TypeError('distributionId must be a UUID string');
  // Only hex digits and dashes in place were admitted, so lower case is the canonical spelling.
  memo = { text: distributionId, bytes, canonical: distributionId.toLowerCase() };
  return memo;
}

/**
 * The 16 bytes of a textual UUID. Throws a TypeError on anything else (a
 * distribution id is chosen by our own caller, so a bad one is misuse).
 *
 * @example
 * distributionIdToBytes('d1b5b0b6-4c8b-4e6a-9f3b-2a1c3d4e5f60').length; // 16
 */
export function distributionIdToBytes(distributionId: string): Uint8Array {
  return parse(distributionId).bytes.slice();
}

/**
 * The canonical (lower-case) spelling of a distribution id, so a store sees
 * one key whichever case the caller used. Throws a TypeError on a non-UUID.
 *
 * @example
 * canonicalDistributionId('D1B5B0B6-4C8B-4E6A-9F3B-2A1C3D4E5F60'); // 'd1b5b0b6-4c8b-…'
 */
export function canonicalDistributionId(distributionId: string): string {
  return parse(distributionId).canonical;
}

/**
 * The lower-case textual UUID of 16 raw bytes.
 *
 * @example
 * distributionIdFromBytes(new Uint8Array(16)); // '00000000-0000-0000-0000-000000000000'
 */
export function distributionIdFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError('distribution id must be 16 bytes');
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
