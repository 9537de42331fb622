/**
 * JPEG metadata stripping at the segment level: pixel data (quantisation and
 * Huffman tables, frames, scans) is copied bit for bit; every APPn segment
 * except the colour ones is dropped — APP1 (EXIF with GPS, maker notes and
 * the embedded thumbnail; XMP), APP13 (IPTC), APP2 MPF — as are comments and
 * anything after the end-of-image marker (a second, unstripped picture can
 * hide there). JFIF's own thumbnail is cleared.
 */

import { unreadableImage } from './errors.js';
import { readOrientation } from './exif-orientation.js';
import type { StrippedImage } from './types.js';

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const COM = 0xfe;
const te = new TextEncoder();

function startsWith(b: Uint8Array, at: number, s: string): boolean {
  const p = te.encode(s);
  for (let i = 0; i < p.length; i++) if (b[at + i] !== p[i]) return false;
  return true;
}

const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
const standalone = (m: number) => (m >= 0xd0 && m <= 0xd7) || m === 0x01;

/** JFIF APP0 with its optional thumbnail cut (density kept). */
function cleanJfif(seg: Uint8Array): Uint8Array {
  if (seg.length < 18) return seg.subarray(0, 0);
  const out = seg.slice(0, 18);
  out[2] = 0;
  out[3] = 16;
  out[16] = 0;
  out[17] = 0;
  return out;
}

/** What to keep of one APPn/COM segment (`seg` starts at its 0xFF marker). */
function keepApp(m: number, seg: Uint8Array): Uint8Array | undefined {
  if (m === 0xe0 && startsWith(seg, 4, 'JFIF\0')) return cleanJfif(seg);
  if (m === 0xe2 && startsWith(seg, 4, 'ICC_PROFILE\0')) return seg;
  if (m === 0xee && startsWith(seg, 4, 'Adobe')) return seg; // colour transform, needed to decode
  return undefined;
}

/** End of the entropy-coded data that starts at `pos`: the next marker that is not a stuffed byte or RSTn. */
function scanEnd(b: Uint8Array, pos: number): number {
  for (let i = pos; i + 1 < b.length; i++) {
    if (b[i] !== 0xff) continue;
    const n = b[i + 1] as number;
    if (n !== 0x00 && n !== 0xff && !(n >= 0xd0 && n <= 0xd7)) return i;
  }
  return unreadableImage('JPEG', 'it ends inside the picture data');
}

/** @example const { bytes, orientation } = stripJpeg(fileBytes) */
export function stripJpeg(b: Uint8Array): StrippedImage {
  if (b[0] !== 0xff || b[1] !== SOI) unreadableImage('JPEG', 'no start marker');
  const parts: Uint8Array[] = [b.subarray(0, 2)];
  let orientation = 1;
  let width = 0;
  let height = 0;
  let pos = 2;
  for (;;) {
    if (pos + 2 > b.length || b[pos] !== 0xff) unreadableImage('JPEG', 'a segment is cut or misplaced');
    while (b[pos + 1] === 0xff) pos++; // fill bytes
    const m = b[pos + 1] as number;
    if (m === EOI) {
      parts.push(Uint8Array.of(0xff, EOI));
      break;
    }
    if (standalone(m)) {
      parts.push(b.subarray(pos, pos + 2));
      pos += 2;
      continue;
    }
    if (pos + 4 > b.length) unreadableImage('JPEG', 'a segment is cut');
    const len = (((b[pos + 2] as number) << 8) | (b[pos + 3] as number)) + 2;
    if (len < 4 || pos + len > b.length) unreadableImage('JPEG', 'a segment is cut');
    const seg = b.subarray(pos, pos + len);
    pos += len;
    if ((m >= 0xe0 && m <= 0xef) || m === COM) {
      if (m === 0xe1 && startsWith(seg, 4, 'Exif\0')) orientation = readOrientation(seg.subarray(10));
      const kept = keepApp(m, seg);
      if (kept && kept.length > 0) parts.push(kept);
      continue;
    }
    if (isSof(m) && seg.length >= 9) {
      height = ((seg[5] as number) << 8) | (seg[6] as number);
      width = ((seg[7] as number) << 8) | (seg[8] as number);
    }
    parts.push(seg);
    if (m === SOS) {
      const end = scanEnd(b, pos);
      parts.push(b.subarray(pos, end));
      pos = end;
    }
  }
  return { kind: 'jpeg', bytes: concat(parts), orientation, width, height };
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The JPEG with an APP1 EXIF holding only `tiff`, placed right after SOI and JFIF. */
export function withJpegExif(b: Uint8Array, tiff: Uint8Array): Uint8Array {
  const body = concat([te.encode('Exif\0\0'), tiff]);
  const app1 = concat([Uint8Array.of(0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff), body]);
  let at = 2;
  if (b[2] === 0xff && b[3] === 0xe0) at += 2 + (((b[4] as number) << 8) | (b[5] as number));
  return concat([b.subarray(0, at), app1, b.subarray(at)]);
}
