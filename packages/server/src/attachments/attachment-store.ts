/**
 * The attachment store port: encrypted blobs uploaded in pieces, read back
 * whole, and deleted when every recipient device has acknowledged them, at
 * their deadline, or when an unfinished upload's window closes. Adapters
 * live in storage/sqlite (files in the data directory) and storage/postgres
 * (chunk rows); one contract suite (test/contract) holds them to the same
 * behaviour. The store never learns who sent a blob: acknowledgements are
 * kept as hashes that only dedupe, and go with the blob.
 */

/** A new upload slot. */
export interface NewAttachment {
  id: Uint8Array;
  /** Exact length of the blob. */
  size: number;
  /** SHA-256 of the upload credential. */
  credentialHash: Uint8Array;
  /** The upload must be complete by then (ms since the epoch), or it is deleted. */
  uploadExpiresAt: number;
  /** Deleted at this time at the latest (the sender's deadline, capped by retention). */
  expiresAt: number;
  /** Distinct acknowledgements after which the blob is deleted. */
  recipients: number;
}

export interface AttachmentInfo extends NewAttachment {
  /** Bytes stored so far; equals `size` once the upload is complete. */
  received: number;
}

/** Outcome of {@link AttachmentStore.append}. */
export type AppendResult =
  | { ok: true; received: number }
  /** The piece does not start at `received` (a lost or repeated piece); resume from there. */
  | { ok: false; reason: 'offset'; received: number }
  | { ok: false; reason: 'missing' };

/** Outcome of {@link AttachmentStore.ack}. */
export type AckResult = 'deleted' | 'kept' | 'missing';

export interface AttachmentStore {
  create(a: NewAttachment): Promise<void>;
  get(id: Uint8Array): Promise<AttachmentInfo | undefined>;
  /**
   * Stores the chunks at `offset` if that is where the stored copy ends, stopping
   * before a chunk that would run past `size` ('offset' then). If the source
   * throws (a cut connection), what was stored so far is kept and recorded, and
   * the error is rethrown. Chunks are at most 1 MiB (the caller buffers).
   */
  append(
    id: Uint8Array,
    offset: number,
    chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  ): Promise<AppendResult>;
  /** The complete blob in order, in pieces of bounded size; undefined if missing or unfinished. */
  read(id: Uint8Array): Promise<AsyncIterable<Uint8Array> | undefined>;
  /** Records that the device behind `ackKey` has the blob; deletes it at the last recipient. */
  ack(id: Uint8Array, ackKey: Uint8Array): Promise<AckResult>;
  /**
   * Moves the deadline to `expiresAt` if that is earlier (never later: the
   * sender's announced deadline only shortens a blob's life); false if missing.
   */
  shortenDeadline(id: Uint8Array, expiresAt: number): Promise<boolean>;
  /** Deletes the blob and its bookkeeping; false if it was not there. */
  delete(id: Uint8Array): Promise<boolean>;
  /** Deletes up to `limit` blobs past their deadline or with an abandoned upload; resolves how many. */
  deleteExpired(now: number, limit: number): Promise<number>;
}
