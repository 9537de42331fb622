/**
 * PNG metadata stripping by chunk allow-list: the picture (IHDR, PLTE, IDAT,
 * transparency, colour and animation chunks) is copied as it is; text
 * (tEXt, iTXt, zTXt), EXIF (eXIf), timestamps (tIME) and every unknown
 * chunk are dropped, as is anything after IEND.
 */

import { unreadableImage } from './errors.js';
import { readOrientation } from './exif-orientation.js';
import { concat } from './jpeg.js';
import type { StrippedImage } from './types.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Chunks that describe pixels and colour only. */
const KEEP = new Set([
  'IHDR',
  'PLTE',
  'IDAT',
  'IEND',
  'tRNS',
  'gAMA',
  'cHRM',
  'sRGB',
  'iCCP',
  'sBIT',
  'bKGD',
  'pHYs',
  'acTL',
  'fcTL',
  'fdAT',
]);
const td = new TextDecoder();

/** @example const { bytes } = stripPng(fileBytes) */
export function stripPng(b: Uint8Array): StrippedImage {
  if (b.length < 8 || SIGNATURE.some((x, i) => b[i] !== x)) unreadableImage('PNG', 'no signature');
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  const parts: Uint8Array[] = [b.subarray(0, 8)];
  let orientation = 1;
  let width = 0;
  let height = 0;
  let pos = 8;
  for (;;) {
    if (pos + 12 > b.length) unreadableImage('PNG', 'it ends before IEND');
    const len = v.getUint32(pos);
    const end = pos + 12 + len;
    if (end > b.length) unreadableImage('PNG', 'a chunk is cut');
    const type = td.decode(b.subarray(pos + 4, pos + 8));
    const data = b.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR' && len >= 8) {
      width = v.getUint32(pos + 8);
      height = v.getUint32(pos + 12);
    }
    if (type === 'eXIf') orientation = readOrientation(data);
    if (KEEP.has(type)) parts.push(b.subarray(pos, end));
    pos = end;
    if (type === 'IEND') break;
  }
  return { kind: 'png', bytes: concat(parts), orientation, width, height };
}

let table: Uint32Array | undefined;

/** CRC-32 (ISO 3309) as PNG chunks use it. */
function crc32(bytes: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const x of bytes) c = (table[(c ^ x) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The PNG with an eXIf chunk holding only `tiff`, before the first IDAT (as the spec requires). */
export function withPngExif(b: Uint8Array, tiff: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + tiff.length);
  const v = new DataView(chunk.buffer);
  v.setUint32(0, tiff.length);
  chunk.set(new TextEncoder().encode('eXIf'), 4);
  chunk.set(tiff, 8);
  v.setUint32(8 + tiff.length, crc32(chunk.subarray(4, 8 + tiff.length)));
  const ihdrEnd = 8 + 12 + new DataView(b.buffer, b.byteOffset).getUint32(8);
  return concat([b.subarray(0, ihdrEnd), chunk, b.subarray(ihdrEnd)]);
}
