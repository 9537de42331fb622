/**
 * Metadata stripping before encryption (docs/design.md, "Metadata": a photo's GPS
 * tag has unmasked sources). JPEG, PNG and WebP are recognised by their
 * bytes, not by name; they lose every metadata block, and their orientation
 * is applied by re-encoding where the platform can (an {@link Orienter}),
 * or else kept as a one-tag EXIF. Other files go as they are.
 */
import { orientationOnlyTiff, swapsAxes } from './exif-orientation.js';
import { stripJpeg, withJpegExif } from './jpeg.js';
import { stripPng, withPngExif } from './png.js';
import type { Orienter, StrippedImage } from './types.js';
import { stripWebp, withWebpExif } from './webp.js';

export type { Orienter, StrippedImage } from './types.js';

/** The image kind of these bytes, if it is one we clean. */
export function imageKind(b: Uint8Array): StrippedImage['kind'] | undefined {
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45)
    return 'webp';
  return undefined;
}

export const IMAGE_CONTENT_TYPES = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;

/** The cleaned, upright picture and its displayed size. */
export interface CleanImage {
  readonly kind: StrippedImage['kind'];
  readonly bytes: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** True when the pixels were turned upright; false when orientation rides in a one-tag EXIF (or was 1). */
  readonly reoriented: boolean;
}

function strip(b: Uint8Array, kind: StrippedImage['kind']): StrippedImage {
  if (kind === 'jpeg') return stripJpeg(b);
  if (kind === 'png') return stripPng(b);
  return stripWebp(b);
}

function withOrientation(s: StrippedImage): Uint8Array {
  const tiff = orientationOnlyTiff(s.orientation);
  if (s.kind === 'jpeg') return withJpegExif(s.bytes, tiff);
  if (s.kind === 'png') return withPngExif(s.bytes, tiff);
  return withWebpExif(s.bytes, tiff) ?? s.bytes;
}

/**
 * Cleans an image; undefined when `bytes` is not a JPEG, PNG or WebP.
 * Throws ClientError('InvalidContent') for a damaged image (never sends it uncleaned).
 * @example const clean = await cleanImage(bytes, nodeOrienter)
 */
export async function cleanImage(bytes: Uint8Array, orient?: Orienter): Promise<CleanImage | undefined> {
  const kind = imageKind(bytes);
  if (!kind) return undefined;
  const s = strip(bytes, kind);
  const swapped = swapsAxes(s.orientation);
  const size = { width: swapped ? s.height : s.width, height: swapped ? s.width : s.height };
  if (s.orientation === 1) return { kind, bytes: s.bytes, ...size, reoriented: false };
  const turned = orient ? await orient(s) : undefined;
  // A re-encoder's output is stripped again: we trust no library to write no metadata.
  if (turned) return { kind, bytes: strip(turned, kind).bytes, ...size, reoriented: true };
  return { kind, bytes: withOrientation(s), ...size, reoriented: false };
}
