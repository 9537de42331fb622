/**
 * WebP metadata stripping at the RIFF chunk level: EXIF and XMP chunks (and
 * unknown ones) are dropped and the VP8X flags that announced them cleared;
 * the image chunks (VP8, VP8L, ALPH, animation, ICC colour) are kept as
 * they are, and the RIFF size is rewritten.
 */

import { unreadableImage } from './errors.js';
import { readOrientation } from './exif-orientation.js';
import { concat } from './jpeg.js';
import type { StrippedImage } from './types.js';

const KEEP = new Set(['VP8 ', 'VP8L', 'VP8X', 'ALPH', 'ANIM', 'ANMF', 'ICCP']);
const FLAG_EXIF = 0x08;
const FLAG_XMP = 0x04;
const td = new TextDecoder();
const te = new TextEncoder();

const le24 = (b: Uint8Array, at: number) =>
  (b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16);

/** Canvas size from VP8X, or from a plain VP8/VP8L bitstream header. */
function dimensions(type: string, d: Uint8Array): [number, number] | undefined {
  if (type === 'VP8X' && d.length >= 10) return [1 + le24(d, 4), 1 + le24(d, 7)];
  if (type === 'VP8 ' && d.length >= 10 && d[3] === 0x9d && d[4] === 0x01 && d[5] === 0x2a) {
    return [
      (d[6] as number) | (((d[7] as number) & 0x3f) << 8),
      (d[8] as number) | (((d[9] as number) & 0x3f) << 8),
    ];
  }
  if (type === 'VP8L' && d.length >= 5 && d[0] === 0x2f) {
    const bits =
      (d[1] as number) | ((d[2] as number) << 8) | ((d[3] as number) << 16) | ((d[4] as number) << 24);
    return [1 + (bits & 0x3fff), 1 + ((bits >>> 14) & 0x3fff)];
  }
  return undefined;
}

function riff(chunks: Uint8Array[]): Uint8Array {
  const body = concat([te.encode('WEBP'), ...chunks]);
  const head = new Uint8Array(8);
  head.set(te.encode('RIFF'));
  new DataView(head.buffer).setUint32(4, body.length, true);
  return concat([head, body]);
}

/** @example const { bytes } = stripWebp(fileBytes) */
export function stripWebp(b: Uint8Array): StrippedImage {
  if (b.length < 12 || td.decode(b.subarray(0, 4)) !== 'RIFF' || td.decode(b.subarray(8, 12)) !== 'WEBP') {
    unreadableImage('WebP', 'no RIFF header');
  }
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  const end = Math.min(b.length, 8 + v.getUint32(4, true));
  const chunks: Uint8Array[] = [];
  let orientation = 1;
  let size: [number, number] | undefined;
  let pos = 12;
  while (pos < end) {
    if (pos + 8 > end) unreadableImage('WebP', 'a chunk is cut');
    const type = td.decode(b.subarray(pos, pos + 4));
    const len = v.getUint32(pos + 4, true);
    const next = pos + 8 + len + (len & 1);
    if (pos + 8 + len > end) unreadableImage('WebP', 'a chunk is cut');
    const data = b.subarray(pos + 8, pos + 8 + len);
    if (type === 'EXIF') orientation = readOrientation(exifTiff(data));
    size ??= dimensions(type, data);
    if (KEEP.has(type)) {
      const chunk = b.slice(pos, Math.min(next, end));
      if (type === 'VP8X') chunk[8] = (chunk[8] as number) & ~(FLAG_EXIF | FLAG_XMP);
      chunks.push(chunk);
    }
    pos = next;
  }
  const [width, height] = size ?? [0, 0];
  return { kind: 'webp', bytes: riff(chunks), orientation, width, height };
}

/** Some writers put JPEG's "Exif\0\0" prefix inside the WebP EXIF chunk too. */
function exifTiff(d: Uint8Array): Uint8Array {
  return td.decode(d.subarray(0, 6)) === 'Exif\0\0' ? d.subarray(6) : d;
}

/** The WebP with an EXIF chunk holding only `tiff` (needs the extended format, which any EXIF-bearing file had). */
export function withWebpExif(b: Uint8Array, tiff: Uint8Array): Uint8Array | undefined {
  const chunks: Uint8Array[] = [];
  let pos = 12;
  let extended = false;
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  while (pos + 8 <= b.length) {
    const len = v.getUint32(pos + 4, true);
    const chunk = b.slice(pos, pos + 8 + len + (len & 1));
    if (td.decode(chunk.subarray(0, 4)) === 'VP8X') {
      chunk[8] = (chunk[8] as number) | FLAG_EXIF;
      extended = true;
    }
    chunks.push(chunk);
    pos += 8 + len + (len & 1);
  }
  if (!extended) return undefined;
  const exif = new Uint8Array(8 + tiff.length + (tiff.length & 1));
  exif.set(te.encode('EXIF'));
  new DataView(exif.buffer).setUint32(4, tiff.length, true);
  exif.set(tiff, 8);
  return riff([...chunks, exif]);
}
