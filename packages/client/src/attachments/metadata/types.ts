/** An image with its metadata removed, and the facts read on the way. */
export interface StrippedImage {
  readonly kind: 'jpeg' | 'png' | 'webp';
  readonly bytes: Uint8Array;
  /** EXIF orientation found (1..8); 1 = upright. Not yet applied. */
  readonly orientation: number;
  /** Stored pixel size (before orientation); 0 when unknown. */
  readonly width: number;
  readonly height: number;
}

/**
 * Turns the pixels upright by re-encoding (platform code: jpeg-js/pngjs in
 * Node, a canvas in the browser). Returns undefined when it cannot handle
 * that format; the orientation then travels as a one-tag EXIF instead.
 */
export type Orienter = (image: StrippedImage) => Promise<Uint8Array | undefined>;
