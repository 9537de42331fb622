/**
 * The Node Orienter: decodes JPEG (jpeg-js) and PNG (pngjs) in pure JS,
 * turns the pixels upright and re-encodes them; the encoders write no
 * metadata. WebP has no pure-JS encoder, so it keeps a one-tag EXIF.
 * Only pictures whose orientation is not 1 pay for this.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { applyOrientation } from './rotate.js';
import type { Orienter } from './types.js';

/** Re-encoding quality: high enough that a document photo stays legible. */
const JPEG_QUALITY = 92;
/** Refuse decoding pictures above this many megapixels (a decompression bomb). */
const MAX_MEGAPIXELS = 100;

export const nodeOrienter: Orienter = async (img) => {
  if (img.kind === 'jpeg') {
    const raw = jpeg.decode(img.bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: MAX_MEGAPIXELS,
    });
    const up = applyOrientation({ width: raw.width, height: raw.height, data: raw.data }, img.orientation);
    const out = jpeg.encode({ width: up.width, height: up.height, data: up.data }, JPEG_QUALITY);
    return new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.length);
  }
  if (img.kind === 'png') {
    const raw = PNG.sync.read(Buffer.from(img.bytes.buffer, img.bytes.byteOffset, img.bytes.length));
    const up = applyOrientation({ width: raw.width, height: raw.height, data: raw.data }, img.orientation);
    const png = new PNG({ width: up.width, height: up.height });
    png.data = Buffer.from(up.data.buffer, up.data.byteOffset, up.data.length);
    const out = PNG.sync.write(png);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }
  return undefined;
};
