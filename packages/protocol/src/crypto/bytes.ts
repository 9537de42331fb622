/**
 * Byte helpers shared by every module: constant-time comparison (for MACs and
 * anything secret-dependent), concatenation, and best-effort zeroization.
 */

/**
 * Compares two byte arrays in time that depends only on their lengths, so a
 * MAC check leaks nothing about where the first mismatch is.
 *
 * @example
 * if (!constantTimeEqual(theirMac, ourMac)) throw new ProtocolError('InvalidMessage', 'bad MAC');
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/**
 * Whether two byte arrays hold the same bytes, stopping at the first
 * difference: for public values only (cache checks on key bytes), never a MAC.
 *
 * @example
 * if (hit && sameBytes(hit.copy, key)) return hit.value;
 */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Concatenates byte arrays into one fresh array.
 *
 * @example
 * const secrets = concatBytes(new Uint8Array(32).fill(0xff), dh1, dh2, dh3);
 */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Overwrites secrets with zeros. JS gives no guarantee that no other copy
 * exists, so this is hygiene, not a proof of erasure.
 *
 * @example
 * zeroize(messageKeys.cipherKey, messageKeys.macKey);
 */
export function zeroize(...arrays: Uint8Array[]): void {
  for (const a of arrays) a.fill(0);
}

/** Lower-case hex, for test vectors and debugging. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Parses lower- or upper-case hex; throws a TypeError on odd length or a bad digit. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new TypeError('fromHex: invalid hex string');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Throws a TypeError naming `name` unless `value` is a Uint8Array of `length` bytes (when given). */
export function assertBytes(value: unknown, name: string, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${name} must be ${length} bytes, got ${value.length}`);
  }
}
