/**
 * Length hiding: every plaintext is padded to a fixed bucket before
 * encryption (ISO/IEC 7816-4 style: 0x80 then zeros), so the ciphertext
 * length tells an observer only which bucket a message fell into.
 */
import { ClientError } from '../errors.js';

/** Bucket sizes in bytes; longer contents round up to a multiple of the last. */
export const PADDING_BUCKETS: readonly number[] = [160, 320, 640, 1280, 2560, 5120, 10240];
const LAST = PADDING_BUCKETS[PADDING_BUCKETS.length - 1] as number;

/** The padded size for a content of `length` bytes (room for the 0x80 marker included). */
export function paddedLength(length: number): number {
  const need = length + 1;
  for (const b of PADDING_BUCKETS) if (need <= b) return b;
  return Math.ceil(need / LAST) * LAST;
}

/** @example pad(new Uint8Array(10)).length // 160 */
export function pad(content: Uint8Array): Uint8Array {
  const out = new Uint8Array(paddedLength(content.length));
  out.set(content);
  out[content.length] = 0x80;
  return out;
}

/** Strips the padding; throws ClientError('InvalidContent') when there is no marker. */
export function unpad(padded: Uint8Array): Uint8Array {
  for (let i = padded.length - 1; i >= 0; i--) {
    const b = padded[i] as number;
    if (b === 0x80) return padded.subarray(0, i);
    if (b !== 0) break;
  }
  throw new ClientError('InvalidContent', 'message padding is malformed');
}
