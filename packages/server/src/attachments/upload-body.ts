/**
 * Reads one upload piece from a request body and hands it to the store in
 * chunks of bounded size as it arrives, so a server holds at most one chunk
 * per upload in memory whatever the piece size. What was stored before the
 * body broke off (a dropped connection) stays stored: the client resumes
 * from the offset the server reports.
 */
import { ErrorCode } from '@tacet/wire';
import { HttpError } from '../errors.js';
import type { AttachmentStore } from './attachment-store.js';

/** Bytes handed to the store at a time (and the PostgreSQL chunk row size). */
export const STORE_CHUNK_BYTES = 1024 * 1024;

/** Appends the body at `offset`, at most `limit` bytes; resolves the new offset. */
export async function appendBody(
  store: AttachmentStore,
  id: Uint8Array,
  offset: number,
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<number> {
  let at = offset;
  let buf = new Uint8Array(Math.min(STORE_CHUNK_BYTES, Math.max(limit, 1)));
  let fill = 0;
  const flush = async () => {
    if (fill === 0) return;
    const r = await store.append(id, at, buf.subarray(0, fill));
    if (!r.ok && r.reason === 'missing') throw new HttpError(404, ErrorCode.NotFound, 'no such attachment');
    if (!r.ok) throw new HttpError(409, ErrorCode.UploadOffset, `the server holds ${r.received} bytes`);
    at = r.received;
    fill = 0;
    // A fresh buffer: the store may still reference the old one's bytes (a driver's send queue).
    buf = new Uint8Array(buf.length);
  };
  if (!body) return at;
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > limit) {
      await flush();
      throw new HttpError(413, ErrorCode.PayloadTooLarge, 'the piece runs past the announced size');
    }
    for (let i = 0; i < chunk.length; ) {
      const n = Math.min(buf.length - fill, chunk.length - i);
      buf.set(chunk.subarray(i, i + n), fill);
      fill += n;
      i += n;
      if (fill === buf.length) await flush();
    }
  }
  await flush();
  return at;
}
