/**
 * Reads one upload piece from a request body and hands it to the store as
 * chunks of at most 1 MiB as it arrives, so a server holds at most one chunk
 * per upload in memory whatever the piece size. What was stored before the
 * body broke off (a dropped connection) stays stored: the client resumes
 * from the offset the server reports.
 */
import { ErrorCode } from '@tacet/wire';
import { HttpError } from '../errors.js';
import type { AppendResult, AttachmentStore } from './attachment-store.js';

/** Bytes handed to the store at a time (and the PostgreSQL chunk row size). */
export const STORE_CHUNK_BYTES = 1024 * 1024;

/** The body re-cut into chunks of `size` bytes (the last shorter); throws past `limit` bytes. */
async function* rechunk(
  body: AsyncIterable<Uint8Array>,
  size: number,
  limit: number,
): AsyncGenerator<Uint8Array> {
  let buf = new Uint8Array(size);
  let fill = 0;
  let total = 0;
  const it = body[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await it.next();
    } catch (err) {
      // The connection broke off: keep what arrived, so the resume sends less.
      if (fill > 0) yield buf.subarray(0, fill);
      throw err;
    }
    if (next.done) break;
    const chunk = next.value;
    total += chunk.length;
    if (total > limit) {
      if (fill > 0) yield buf.subarray(0, fill);
      throw new HttpError(413, ErrorCode.PayloadTooLarge, 'the piece runs past the announced size');
    }
    for (let i = 0; i < chunk.length; ) {
      const n = Math.min(size - fill, chunk.length - i);
      buf.set(chunk.subarray(i, i + n), fill);
      fill += n;
      i += n;
      if (fill === size) {
        yield buf;
        // A fresh buffer: the store may still reference the old one's bytes (a driver's send queue).
        buf = new Uint8Array(size);
        fill = 0;
      }
    }
  }
  if (fill > 0) yield buf.subarray(0, fill);
}

/** Appends the body at `offset`, at most `limit` bytes; resolves the store's answer. */
export async function appendBody(
  store: AttachmentStore,
  id: Uint8Array,
  offset: number,
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<AppendResult> {
  if (!body) return { ok: true, received: offset };
  return store.append(id, offset, rechunk(body, Math.min(STORE_CHUNK_BYTES, Math.max(limit, 1)), limit));
}
