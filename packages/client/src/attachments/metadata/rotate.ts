/**
 * Turning RGBA pixels upright for EXIF orientations 2..8 (TIFF 6.0 tag 274):
 * for each output pixel, the source pixel it shows.
 */
import { swapsAxes } from './exif-orientation.js';

export interface Rgba {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

type Map = (dx: number, dy: number, w: number, h: number) => [number, number];

const SOURCE_OF: Record<number, Map> = {
  2: (dx, dy, w) => [w - 1 - dx, dy],
  3: (dx, dy, w, h) => [w - 1 - dx, h - 1 - dy],
  4: (dx, dy, _w, h) => [dx, h - 1 - dy],
  5: (dx, dy) => [dy, dx],
  6: (dx, dy, _w, h) => [dy, h - 1 - dx],
  7: (dx, dy, w, h) => [w - 1 - dy, h - 1 - dx],
  8: (dx, dy, w) => [w - 1 - dy, dx],
};

/** The upright pixels of an image stored with EXIF orientation `o`. */
export function applyOrientation(img: Rgba, o: number): Rgba {
  const map = SOURCE_OF[o];
  if (!map) return img;
  const { width: w, height: h } = img;
  const [ow, oh] = swapsAxes(o) ? [h, w] : [w, h];
  const out = new Uint8Array(ow * oh * 4);
  for (let dy = 0; dy < oh; dy++) {
    for (let dx = 0; dx < ow; dx++) {
      const [sx, sy] = map(dx, dy, w, h);
      const s = (sy * w + sx) * 4;
      const d = (dy * ow + dx) * 4;
      out[d] = img.data[s] as number;
      out[d + 1] = img.data[s + 1] as number;
      out[d + 2] = img.data[s + 2] as number;
      out[d + 3] = img.data[s + 3] as number;
    }
  }
  return { width: ow, height: oh, data: out };
}
