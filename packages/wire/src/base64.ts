/**
 * Strict base64url (RFC 4648 §5, no padding) for the JSON API. Written here
 * because the package is isomorphic (no Buffer) and because decoders of
 * outside input must reject every non-canonical spelling.
 */
import { ErrorCode, WireError } from './errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/**
 * @example toBase64Url(new Uint8Array([255])) // '_w'
 */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out +=
      ALPHABET.charAt(n >> 18) +
      ALPHABET.charAt((n >> 12) & 63) +
      ALPHABET.charAt((n >> 6) & 63) +
      ALPHABET.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63);
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63) + ALPHABET.charAt((n >> 6) & 63);
  }
  return out;
}

function sextet(text: string, index: number, path: string): number {
  const c = text.charCodeAt(index);
  const v = c < 128 ? (LOOKUP[c] as number) : -1;
  if (v < 0) throw new WireError(ErrorCode.BadRequest, 'not base64url', path);
  return v;
}

/**
 * Decodes unpadded base64url; throws WireError(bad_request) on any other
 * character, an impossible length or non-zero trailing bits.
 * @example fromBase64Url('_w') // Uint8Array [255]
 */
export function fromBase64Url(text: string, path = ''): Uint8Array {
  if (text.length % 4 === 1) throw new WireError(ErrorCode.BadRequest, 'bad base64url length', path);
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    acc = ((acc << 6) | sextet(text, i, path)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0)
    throw new WireError(ErrorCode.BadRequest, 'non-canonical base64url', path);
  return out;
}
