/**
 * The one EXIF fact worth keeping: Orientation (TIFF tag 0x0112). Read from
 * the TIFF structure that JPEG APP1, PNG eXIf and WebP EXIF all carry, and,
 * where no re-encoder can apply it, written back as a TIFF with that single
 * tag, so the picture shows upright and carries nothing else.
 */

const ORIENTATION_TAG = 0x0112;
const SHORT = 3;

/** Orientation 1..8 from a TIFF block (`II*\0` or `MM\0*`); 1 when absent or unreadable. */
export function readOrientation(tiff: Uint8Array): number {
  if (tiff.length < 8) return 1;
  const le = tiff[0] === 0x49 && tiff[1] === 0x49;
  const be = tiff[0] === 0x4d && tiff[1] === 0x4d;
  if (!le && !be) return 1;
  const v = new DataView(tiff.buffer, tiff.byteOffset, tiff.length);
  const ifd = v.getUint32(4, le);
  if (ifd + 2 > tiff.length) return 1;
  const count = v.getUint16(ifd, le);
  for (let i = 0; i < count; i++) {
    const at = ifd + 2 + i * 12;
    if (at + 12 > tiff.length) return 1;
    if (v.getUint16(at, le) !== ORIENTATION_TAG) continue;
    const value = v.getUint16(at + 8, le);
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

/** A big-endian TIFF block whose only entry is Orientation = `o`. */
export function orientationOnlyTiff(o: number): Uint8Array {
  const out = new Uint8Array(26);
  const v = new DataView(out.buffer);
  out.set([0x4d, 0x4d, 0x00, 0x2a]);
  v.setUint32(4, 8);
  v.setUint16(8, 1);
  v.setUint16(10, ORIENTATION_TAG);
  v.setUint16(12, SHORT);
  v.setUint32(14, 1);
  v.setUint16(18, o);
  v.setUint32(22, 0);
  return out;
}

/** Whether orientation `o` swaps width and height (the 90° turns). */
export function swapsAxes(o: number): boolean {
  return o >= 5 && o <= 8;
}
