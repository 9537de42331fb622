/**
 * The client's attachment work: uploading a prepared file into a pointer
 * (going on with an earlier upload of it that was cut short, upload-journal.ts),
 * saving a received one through a sink (and remembering where it went),
 * and shredding saved copies when their message expires. The saved
 * location is a sealed record beside the message, so it goes when the
 * message goes; the platform's `shredFile` removes the file itself (Node:
 * zeroed and unlinked; browsers: the OPFS entry removed, object URLs revoked).
 */
import { MAX_TEXT_LENGTH } from '../content/content.js';
import { ClientError } from '../errors.js';
import type { ClientStore, MessageRecord } from '../store/types.js';
import type { AttachmentApi } from '../transport/attachment-api.js';
import { type AttachmentSink, downloadAttachment } from './download.js';
import { type AttachmentPointer, MAX_FILE_NAME_LENGTH } from './pointer.js';
import { type TransferProgress, type UploadOptions, uploadAttachment } from './upload.js';
import { storeJournal } from './upload-journal.js';

/** A file ready to send: metadata already stripped (prepare-file), read in chunks. */
export interface OutgoingFile {
  readonly size: number;
  readonly chunks: () => AsyncIterable<Uint8Array>;
  readonly fileName: string;
  readonly contentType: string;
  readonly width?: number;
  readonly height?: number;
  readonly thumbnail?: Uint8Array;
  /**
   * Names this file's bytes (Node: path, size, inode, modification time), so
   * an upload cut short by the process dying goes on when it is sent again.
   * Absent: every send uploads afresh.
   */
  readonly resumeKey?: string;
}

/** Options of `client.sendFile` and `client.groups.sendFile`. */
export interface SendFileOptions {
  readonly caption?: string;
  /** Upload progress in ciphertext bytes. */
  readonly onProgress?: TransferProgress;
  /** Latest time the server keeps the blob, ms (default: until fetched, or its retention cap). */
  readonly deleteAt?: number;
  /** An earlier upload of this file to this conversation goes on: what the server already holds. */
  readonly onResume?: TransferProgress;
}

/** The caption to send (checked before anything is uploaded). */
export function checkedCaption(opts: SendFileOptions): string {
  const caption = opts.caption ?? '';
  if (caption.length > MAX_TEXT_LENGTH)
    throw new ClientError('InvalidContent', `a caption may have at most ${MAX_TEXT_LENGTH} characters`);
  return caption;
}

/** The upload of a file for `recipients` devices of a conversation with `timerSeconds`. */
export function uploadOptions(
  opts: SendFileOptions,
  recipients: number,
  timerSeconds: number,
): UploadOptions {
  return {
    recipients: Math.max(1, recipients),
    timerSeconds,
    ...(opts.deleteAt !== undefined ? { deleteAt: opts.deleteAt } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.onResume ? { onResume: opts.onResume } : {}),
  };
}

/** Record namespace of saved copies: message id -> location. */
const SAVED_NS = 'attachment-file';
const te = new TextEncoder();
const td = new TextDecoder();

export class AttachmentTransfers {
  constructor(
    private readonly api: AttachmentApi,
    private readonly store: ClientStore,
    private readonly shredFile?: (location: string) => Promise<void>,
  ) {}

  /**
   * Uploads `file`, hands its pointer to `queue` (which sends the message
   * carrying it, 1:1 or to a group), then tells the server the message's
   * deadline: the blob of a disappearing message goes when the sender's
   * copy does, whatever the timer (the default 30 s included), unless every
   * recipient device has fetched it before.
   */
  async send(
    conversation: string,
    file: OutgoingFile,
    opts: UploadOptions,
    queue: (pointer: AttachmentPointer) => Promise<MessageRecord>,
  ): Promise<MessageRecord> {
    const journal = file.resumeKey ? storeJournal(this.store, conversation, file.resumeKey) : undefined;
    const { announceDeadline, ...blob } = await uploadAttachment(this.api, file.chunks, file.size, {
      ...opts,
      ...(journal ? { journal } : {}),
    });
    const m = await queue(this.#pointer(file, blob));
    await journal?.forget();
    // Lost (server unreachable just now): the slot's bound, upload window + timer, still holds.
    if (m.expiresAt !== null) await announceDeadline(m.expiresAt).catch(() => {});
    return m;
  }

  #pointer(file: OutgoingFile, blob: Pick<AttachmentPointer, 'id' | 'key' | 'digest'>): AttachmentPointer {
    return {
      ...blob,
      size: file.size,
      contentType: file.contentType.slice(0, 127),
      fileName: file.fileName.slice(0, MAX_FILE_NAME_LENGTH),
      ...(file.width && file.height ? { width: file.width, height: file.height } : {}),
      ...(file.thumbnail ? { thumbnail: file.thumbnail } : {}),
    };
  }

  /** Downloads the message's attachment into `sink`; resolves (and remembers) its location. */
  async save(m: MessageRecord, sink: AttachmentSink, onProgress?: TransferProgress): Promise<string> {
    if (!m.attachment) {
      await sink.abort();
      throw new ClientError('InvalidContent', 'that message has no attachment');
    }
    const location = await downloadAttachment(this.api, m.attachment, sink, onProgress);
    await this.store.apply({ records: [{ ns: SAVED_NS, key: m.id, value: te.encode(location) }] });
    // Expired while downloading: shred at once rather than leave it to the next sweep.
    if (!(await this.store.getMessage(m.id))) await this.shred([m.id], [location]);
    return location;
  }

  /** Where the message's attachment was saved, if it was. */
  async location(messageId: string): Promise<string | undefined> {
    const v = await this.store.getRecord(SAVED_NS, messageId);
    return v ? td.decode(v) : undefined;
  }

  /** Shreds the saved copies of expired messages. */
  async shredExpired(ids: readonly string[]): Promise<void> {
    const found: string[] = [];
    const locations: string[] = [];
    for (const id of ids) {
      const v = await this.store.getRecord(SAVED_NS, id);
      if (!v) continue;
      found.push(id);
      locations.push(td.decode(v));
    }
    if (found.length > 0) await this.shred(found, locations);
  }

  /** Shreds saved copies whose message is gone (expired while no client was running). */
  async shredOrphans(): Promise<void> {
    const saved = await this.store.listRecords(SAVED_NS);
    const orphans: string[] = [];
    for (const { key } of saved) if (!(await this.store.getMessage(key))) orphans.push(key);
    if (orphans.length > 0) await this.shredExpired(orphans);
  }

  private async shred(ids: readonly string[], locations: readonly string[]): Promise<void> {
    for (const l of locations) await this.shredFile?.(l);
    await this.store.apply({ records: ids.map((key) => ({ ns: SAVED_NS, key, value: null })) });
  }
}
