/**
 * Distribution ids: the UUID naming one sender-key chain set (one group, as
 * one sender sees it). The API takes the textual form, as libsignal's does;
 * the wire carries the 16 raw bytes in textual order (docs/protocol.md §6, SKDM tag 1).
 */

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One-entry memo: a sender encrypts to the same group many times in a row. */
let memo: { text: string; bytes: Uint8Array; canonical: string } | undefined;

function parse(distributionId: string): { text: string; bytes: Uint8Array; canonical: string } {
  if (memo?.text === distributionId) return memo;
  if (typeof distributionId !== 'string' || !UUID_PATTERN.test(distributionId)) {
    throw new TypeError('distributionId must be a UUID string');
  }
  const hex = distributionId.replaceAll('-', '');
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  // The pattern admits only hex digits and dashes in place, so lower case is the canonical spelling.
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
