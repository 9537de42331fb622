/**
 * Uploads one file as an encrypted attachment: a fresh key and IV, the
 * Signal blob format streamed (attachment-cipher.ts), sent in pieces so
 * memory stays at one piece whatever the file size. A piece that fails (a
 * dropped connection, a server restart) is resumed from the offset the
 * server reports rather than sent again whole. Progress counts plaintext
 * bytes encrypted and acknowledged by the server.
 */
import { toBase64Url } from '@tacet/wire';
import { ClientError } from '../errors.js';
import type { AttachmentApi } from '../transport/attachment-api.js';
import { encryptAttachment, newAttachmentSecrets } from './attachment-cipher.js';
import { attachmentCiphertextLength } from './padding.js';
import { ATTACHMENT_ID_BYTES } from './pointer.js';

/** Bytes per upload PUT, at most the server's piece limit: one in memory at a time; the server syncs once per piece. */
const PIECE_BYTES = 8 * 1024 * 1024;
/** Attempts per piece before the upload fails. */
const PIECE_ATTEMPTS = 8;
/** How long the server gives an upload to finish (its ATTACHMENT_UPLOAD_TTL_MS). */
const UPLOAD_WINDOW_MS = 60 * 60_000;

/** Called with bytes done and the total (ciphertext bytes for uploads and downloads). */
export type TransferProgress = (done: number, total: number) => void;

export interface UploadOptions {
  /** Recipient devices that must fetch it before the server deletes it. */
  readonly recipients: number;
  /** When the server must delete it at the latest, ms. */
  readonly deleteAt?: number;
  /**
   * The disappearing timer of the message it goes with (0 or absent: off).
   * The message's deadline is known only once it is sent (announceDeadline);
   * until then the blob lives at most the upload window plus the timer, so
   * a sender that dies in between leaves nothing for longer.
   */
  readonly timerSeconds?: number;
  readonly onProgress?: TransferProgress;
}

/** What the pointer needs from an upload. */
export interface UploadedBlob {
  readonly id: Uint8Array;
  readonly key: Uint8Array;
  readonly digest: Uint8Array;
  /** Tells the server the sender's deadline for the message (ms): the blob goes then at the latest. */
  announceDeadline(deleteAt: number): Promise<void>;
}

/** The deadline to ask for when opening the slot: the earlier of the caller's and the timer's bound. */
function slotDeadline(opts: UploadOptions): number | undefined {
  const bound = opts.timerSeconds ? Date.now() + UPLOAD_WINDOW_MS + opts.timerSeconds * 1000 : undefined;
  if (bound === undefined) return opts.deleteAt;
  return opts.deleteAt === undefined ? bound : Math.min(bound, opts.deleteAt);
}

/**
 * Collects the stream into pieces of `size` bytes (the last one shorter), in
 * two buffers used in turn: a piece's buffer is refilled only after the next
 * piece was handed out, by which time its own upload has finished (see the
 * loop in uploadAttachment). Memory stays at two pieces, with no garbage.
 */
async function* pieces(chunks: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  const bufs = [new Uint8Array(size), new Uint8Array(size)];
  let turn = 0;
  let buf = bufs[0] as Uint8Array;
  let fill = 0;
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; ) {
      const n = Math.min(size - fill, chunk.length - i);
      buf.set(chunk.subarray(i, i + n), fill);
      fill += n;
      i += n;
      if (fill === size) {
        yield buf;
        turn ^= 1;
        buf = bufs[turn] as Uint8Array;
        fill = 0;
      }
    }
  }
  // Not zeroed after: the last piece may still be on the wire (and it is ciphertext).
  if (fill > 0) yield buf.subarray(0, fill);
}

function fromId(id: string): Uint8Array {
  const bytes = Uint8Array.from(atob(id.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  if (bytes.length !== ATTACHMENT_ID_BYTES || toBase64Url(bytes) !== id)
    throw new ClientError('ServerError', 'the server sent a malformed attachment id');
  return bytes;
}

/**
 * Encrypts and uploads exactly `size` bytes of `source`.
 * Throws ClientError('AttachmentTooLarge') before sending anything if the server's cap is smaller.
 * @example const blob = await uploadAttachment(api, fileChunks, size, { recipients: 2 })
 */
export async function uploadAttachment(
  api: AttachmentApi,
  source: AsyncIterable<Uint8Array>,
  size: number,
  opts: UploadOptions,
): Promise<UploadedBlob> {
  const total = attachmentCiphertextLength(size);
  const deleteAt = slotDeadline(opts);
  const slot = await api.create({
    size: total,
    recipients: opts.recipients,
    ...(deleteAt !== undefined ? { deleteAt } : {}),
  });
  const id = fromId(slot.id);
  const { key, iv } = newAttachmentSecrets();
  const { chunks, result } = encryptAttachment(source, size, key, iv);
  let offset = 0;
  opts.onProgress?.(0, total);
  const it = pieces(chunks, Math.min(PIECE_BYTES, slot.maxPieceBytes));
  // The next piece is read and encrypted while this one is on the wire (two pieces in memory at most).
  const ahead = () => {
    const p = it.next();
    p.catch(() => {}); // a failure surfaces at its await; not as an unhandled rejection if sending failed first
    return p;
  };
  let next = ahead();
  for (;;) {
    const r = await next;
    if (r.done) break;
    next = ahead();
    offset = await sendPiece(api, slot, offset, r.value);
    opts.onProgress?.(offset, total);
  }
  if (offset !== total) throw new ClientError('ServerError', 'the upload ended short of its size');
  return {
    id,
    key,
    digest: result.digest(),
    announceDeadline: (at) => api.setDeadline(slot, at),
  };
}

const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));

/**
 * Sends one piece starting at `start`, resuming from the server's offset
 * after a failure. A 409 right after a cut is normal: the server may still be
 * storing what the broken request carried, so the offset moves on for a while.
 */
async function sendPiece(
  api: AttachmentApi,
  slot: Parameters<AttachmentApi['put']>[0],
  start: number,
  piece: Uint8Array,
): Promise<number> {
  const end = start + piece.length;
  let at = start;
  let lastError: unknown;
  for (let attempt = 0; attempt < PIECE_ATTEMPTS; attempt++) {
    try {
      const st = await api.put(slot, at, piece.subarray(at - start));
      if (st.offset === end) return end;
      if (!Number.isSafeInteger(st.offset) || st.offset < start || st.offset > end) break;
      at = st.offset;
    } catch (e) {
      if (e instanceof ClientError && e.code !== 'ServerUnreachable' && e.data.status !== 503) throw e;
      lastError = e;
      await pause(attempt);
      const st = await api.status(slot).catch(() => undefined);
      if (st?.offset === end) return end;
      if (st && st.offset >= start && st.offset <= end) at = st.offset;
      continue;
    }
    await pause(attempt);
  }
  throw lastError instanceof ClientError
    ? lastError
    : new ClientError('ServerError', 'the server lost part of the upload; send the file again');
}
