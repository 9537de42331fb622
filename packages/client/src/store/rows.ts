/**
 * What a storage adapter keeps: rows that are already sealed. An adapter
 * (SQLite, IndexedDB) maps these to its tables and makes `write` atomic; it
 * never sees a plaintext, a key name or a conversation id. Sealing, the
 * record codec, message order and de-duplication live once, in
 * sealed-store.ts, for every adapter.
 *
 * In the clear an adapter holds only: HMAC tags, random message ids, and the
 * deadline of each unexpired message (so a reaper can shred without the
 * passphrase). No counter, no timestamp of past traffic.
 */

/** A key/value record: `tag` = HMAC(ns, key), `ns` = HMAC of the namespace, `value` sealed. */
export interface RecordRow {
  readonly tag: Uint8Array;
  readonly ns: Uint8Array;
  readonly value: Uint8Array;
}

/** A message row: body sealed under the message's own key. */
export interface MessageRow {
  readonly id: string;
  /** HMAC tag of the conversation id. */
  readonly conv: Uint8Array;
  readonly expiresAt: number | null;
  readonly body: Uint8Array;
}

/** A message row with its key (sealed under the profile's data key). */
export interface KeyedMessageRow {
  readonly row: MessageRow;
  readonly sealedKey: Uint8Array;
}

export interface OutboxRow {
  readonly id: string;
  readonly body: Uint8Array;
}

/** One atomic set of row changes. */
export interface RowChanges {
  readonly putRecords: RecordRow[];
  readonly deleteRecords: Uint8Array[];
  /** `sealedKey` is set for a new message (its key is stored with it), absent for a replaced one. */
  readonly putMessages: Array<{ row: MessageRow; sealedKey?: Uint8Array }>;
  readonly deleteMessages: string[];
  readonly putOutbox: OutboxRow[];
  readonly deleteOutbox: string[];
}

export function emptyChanges(): RowChanges {
  return {
    putRecords: [],
    deleteRecords: [],
    putMessages: [],
    deleteMessages: [],
    putOutbox: [],
    deleteOutbox: [],
  };
}

/** The adapter port under SealedStore. */
export interface RowStore {
  getRecord(tag: Uint8Array): Promise<Uint8Array | undefined>;
  listRecords(ns: Uint8Array): Promise<RecordRow[]>;
  getMessage(id: string): Promise<KeyedMessageRow | undefined>;
  /** Unexpired messages of one conversation, in any order. */
  listMessages(conv: Uint8Array, now: number): Promise<KeyedMessageRow[]>;
  listOutbox(): Promise<OutboxRow[]>;
  write(changes: RowChanges): Promise<void>;
  /** Deletes every message whose deadline has passed (key and row); returns their ids. */
  deleteExpired(now: number): Promise<string[]>;
  nextExpiry(): Promise<number | null>;
  close(): Promise<void>;
}

/** What a v1 profile holds, read by its adapter for the one-time upgrade (legacy-upgrade.ts). */
export interface LegacyRows {
  /** v1 record layouts differed: SQLite put a u16 key length first, IndexedDB a u32. */
  readonly layout: 'sqlite-v1' | 'indexeddb-v1';
  readonly records: RecordRow[];
  /** v1 kept the order number in the clear. */
  readonly messages: Array<KeyedMessageRow & { seq: number }>;
  readonly outbox: Array<OutboxRow & { createdAt: number }>;
  /** v1 de-duplication tags (HMAC-SHA256, full length), newest last. */
  readonly seenTags: Uint8Array[];
}

/** An adapter that may hold a v1 profile. */
export interface UpgradableRows extends RowStore {
  /** The v1 rows, or undefined when the profile is already v2. */
  readLegacy(): Promise<LegacyRows | undefined>;
  /** Atomically replaces every v1 row by `changes` (all v2) and marks the profile v2. */
  finishUpgrade(changes: RowChanges): Promise<void>;
}
