/**
 * Prepares a picked or dropped File for sending: JPEG, PNG and WebP lose
 * their metadata (the SDK's stripper; orientation kept as a one-tag EXIF),
 * and get a small JPEG thumbnail drawn on a canvas that rides inside the
 * message for an instant preview; anything else is streamed as it is,
 * flagged as possibly carrying metadata of its own.
 */
import {
  cleanImage,
  IMAGE_CONTENT_TYPES,
  imageKind,
  MAX_THUMBNAIL_BYTES,
  type OutgoingFile,
} from '@tacet/client';

/** Pictures above this are sent as documents (they would be read whole to clean them). */
const MAX_IMAGE_BYTES = 64 * 1024 * 1024;
/** Longest side of a thumbnail, pixels. */
const THUMB_SIDE = 160;

async function thumbnail(bytes: Uint8Array, type: string): Promise<Uint8Array | undefined> {
  try {
    const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
    const scale = Math.min(1, THUMB_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = new OffscreenCanvas(
      Math.max(1, Math.round(bitmap.width * scale)),
      Math.max(1, Math.round(bitmap.height * scale)),
    );
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.6 });
    const out = new Uint8Array(await blob.arrayBuffer());
    return out.length <= MAX_THUMBNAIL_BYTES ? out : undefined;
  } catch {
    return undefined;
  }
}

/** @example const file = await prepareBrowserFile(input.files[0]) */
export async function prepareBrowserFile(file: File): Promise<OutgoingFile & { mayCarryMetadata: boolean }> {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  const kind = imageKind(head);
  if (kind && file.size <= MAX_IMAGE_BYTES) {
    const clean = await cleanImage(new Uint8Array(await file.arrayBuffer()));
    if (clean) {
      const contentType = IMAGE_CONTENT_TYPES[clean.kind];
      const thumb = await thumbnail(clean.bytes, contentType);
      return {
        size: clean.bytes.length,
        chunks: async function* () {
          yield clean.bytes;
        },
        fileName: file.name,
        contentType,
        width: clean.width,
        height: clean.height,
        ...(thumb ? { thumbnail: thumb } : {}),
        mayCarryMetadata: false,
      };
    }
  }
  return {
    size: file.size,
    chunks: () => file.stream() as unknown as AsyncIterable<Uint8Array>,
    fileName: file.name,
    contentType: file.type || 'application/octet-stream',
    mayCarryMetadata: true,
  };
}
