/**
 * Uploads one file as an encrypted attachment: a fresh key and IV, the
 * Signal blob format streamed (attachment-cipher.ts), sent in pieces of at
 * most 8 MiB, each streamed from the cipher into its request (no piece is
 * buffered on Node: piece-upload.node.ts), so memory stays at a chunk or
 * two whatever the file size.
 *
 * The same key, IV and file give the same blob, so an upload that stopped
 * — a dropped connection, a server restart, or this process dying (the
 * slot, key and IV are kept in the client store by an UploadJournal) —
 * goes on by encrypting the file again from the start, sending only what
 * the server does not hold yet. The digest then covers the whole blob
 * without ever keeping it. Progress counts ciphertext bytes the server
 * acknowledged.
 */
import type { CreateAttachmentResponse } from '@tacet/wire';
import { toBase64Url } from '@tacet/wire';
import { ClientError } from '../errors.js';
import type { AttachmentApi } from '../transport/attachment-api.js';
import { encryptAttachment, newAttachmentSecrets } from './attachment-cipher.js';
import { ByteCursor } from './byte-cursor.js';
import { attachmentCiphertextLength } from './padding.js';
import { ATTACHMENT_ID_BYTES } from './pointer.js';

/** Bytes per upload PUT, at most the server's piece limit; the server syncs once per piece. */
const PIECE_BYTES = 8 * 1024 * 1024;
/** Failures in a row, without the server's offset moving, before the upload gives up. */
const ATTEMPTS = 8;
/** How long the server gives an upload to finish (its ATTACHMENT_UPLOAD_TTL_MS). */
const UPLOAD_WINDOW_MS = 60 * 60_000;

/** Called with bytes done and the total (ciphertext bytes for uploads and downloads). */
export type TransferProgress = (done: number, total: number) => void;

/** What lets an upload go on after this process died: kept sealed in the client store. */
export interface SavedUpload {
  readonly slot: CreateAttachmentResponse;
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
  /** Ciphertext length: a file of another size is another upload. */
  readonly total: number;
}

/** Where an upload's state is kept between runs (AttachmentTransfers: a store record per file). */
export interface UploadJournal {
  load(): Promise<SavedUpload | undefined>;
  save(u: SavedUpload): Promise<void>;
}

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
  /** Called when an earlier upload of the same file goes on, with what the server already holds. */
  readonly onResume?: TransferProgress;
  readonly journal?: UploadJournal;
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

function fromId(id: string): Uint8Array {
  const bytes = Uint8Array.from(atob(id.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  if (bytes.length !== ATTACHMENT_ID_BYTES || toBase64Url(bytes) !== id)
    throw new ClientError('ServerError', 'the server sent a malformed attachment id');
  return bytes;
}

/** Failures worth another try: the network, or a server restarting. */
const transient = (e: unknown) =>
  e instanceof ClientError && (e.code === 'ServerUnreachable' || e.data.status === 503);

/**
 * The journal's upload if the server still has its slot (resolves where it
 * stands), else a new slot with fresh secrets, journaled before any byte goes.
 */
async function openUpload(
  api: AttachmentApi,
  total: number,
  opts: UploadOptions,
): Promise<{ saved: SavedUpload; offset: number }> {
  const old = await opts.journal?.load();
  if (old && old.total === total && old.slot.uploadExpiresAt > Date.now()) {
    const st = await api.status(old.slot).catch((e: unknown) => {
      if (transient(e)) throw e;
      return undefined; // expired or gone: start again
    });
    if (st && st.size === total) {
      if (st.offset > 0) opts.onResume?.(st.offset, total);
      return { saved: old, offset: st.offset };
    }
  }
  const deleteAt = slotDeadline(opts);
  const slot = await api.create({
    size: total,
    recipients: opts.recipients,
    ...(deleteAt !== undefined ? { deleteAt } : {}),
  });
  fromId(slot.id);
  const saved = { slot, ...newAttachmentSecrets(), total };
  await opts.journal?.save(saved);
  return { saved, offset: 0 };
}

const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));

/**
 * Encrypts and uploads exactly `size` bytes, read from `source()` (called
 * again for each pass over the file).
 * Throws ClientError('AttachmentTooLarge') before sending anything if the server's cap is smaller.
 * @example const blob = await uploadAttachment(api, () => readFileChunks(path), size, { recipients: 2 })
 */
export async function uploadAttachment(
  api: AttachmentApi,
  source: () => AsyncIterable<Uint8Array>,
  size: number,
  opts: UploadOptions,
): Promise<UploadedBlob> {
  const total = attachmentCiphertextLength(size);
  const { saved, offset: start } = await openUpload(api, total, opts);
  const { slot, key, iv } = saved;
  const piece = Math.min(PIECE_BYTES, slot.maxPieceBytes);
  let offset = start;
  opts.onProgress?.(offset, total);
  for (let failures = 0; ; ) {
    const { chunks, result } = encryptAttachment(source(), size, key, iv);
    const cursor = new ByteCursor(chunks);
    const from = offset;
    try {
      if ((await cursor.skip(offset)) !== offset)
        throw new ClientError('InvalidContent', 'the file shrank while it was being sent');
      while (offset < total) {
        const n = Math.min(piece, total - offset);
        const st = await api.put(slot, offset, cursor.take(n), n);
        if (!Number.isSafeInteger(st.offset) || st.offset < 0 || st.offset > total)
          throw new ClientError('ServerError', 'the server reported an impossible upload offset');
        const moved = st.offset !== offset + n;
        offset = st.offset;
        opts.onProgress?.(offset, total);
        // Not where this piece ended (the tail of a cut request still landing): encrypt again from there.
        if (moved) throw new ClientError('ServerUnreachable', 'the upload offset moved');
      }
      await cursor.drain(); // the MAC and digest are final once the cipher has run to its end
      return {
        id: fromId(slot.id),
        key,
        digest: result.digest(),
        announceDeadline: (at) => api.setDeadline(slot, at),
      };
    } catch (e) {
      await cursor.close().catch(() => {});
      if (!transient(e)) throw e;
      failures = offset > from ? 0 : failures + 1;
      if (failures >= ATTEMPTS) throw e;
      await pause(failures);
      const st = await api.status(slot).catch(() => undefined);
      if (st && st.offset >= 0 && st.offset <= total) offset = st.offset;
    }
  }
}
