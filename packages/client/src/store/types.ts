/**
 * The local store port: everything a client keeps between runs. One
 * implementation (sealed-store.ts) over two adapters (SQLite on Node,
 * IndexedDB in browsers), both held to one contract suite
 * (test/store/contract). The SDK never sees a driver. Every write goes
 * through `apply`, one atomic batch, so decrypting a message, advancing the
 * ratchet and recording the message either all happen or none does.
 *
 * Expiry must work without the passphrase: the deadline of an unexpired
 * message is the only per-message fact kept in the clear. Nothing at rest
 * counts or dates past traffic.
 */
import type { AttachmentPointer } from '../attachments/pointer.js';

/** Where a message came from and how far its delivery got. */
export type MessageStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'received';

/** What kind of conversation item a message is. */
export type MessageKind = 'text' | 'timer' | 'attachment';

/** One conversation item, as the user sees it. */
export interface MessageRecord {
  /** Local id; for outgoing messages also the id carried inside the encrypted content. */
  readonly id: string;
  /** The peer's account id (1:1 conversations). */
  readonly conversationId: string;
  readonly direction: 'in' | 'out';
  readonly kind: MessageKind;
  /** Text for `text`, the caption for `attachment`; empty for `timer`. */
  readonly body: string;
  /** For `attachment`: the pointer (id, key, digest, name, size...), shredded with the message. */
  readonly attachment?: AttachmentPointer;
  /** Sender's clock, ms since the epoch (from the encrypted content): history is ordered by it. */
  readonly sentAt: number;
  /**
   * Sender's Lamport clock of the conversation (messenger/ordering.ts): breaks
   * ties of `sentAt` per sender. Absent on items stored before it existed (0).
   */
  readonly clock?: number;
  /** Local clock when stored, ms. */
  readonly receivedAt: number;
  /** The disappearing timer that applies to this item, seconds; 0 = off. For `timer` items, the new value. */
  readonly timerSeconds: number;
  /** When it disappears, ms; null while the countdown has not started (not yet displayed) or timer off. */
  readonly expiresAt: number | null;
  readonly status: MessageStatus;
  /** Incoming: the id inside the sender's content, which their replies, edits and reactions name. */
  readonly contentId?: string;
  /** The content id (hex) of the message this one replies to. */
  readonly replyTo?: string;
  /** When the author last edited it (their clock, ms); absent = never edited. */
  readonly editedAt?: number;
  /** Group messages received: the sender's account id (conversationId names the group). */
  readonly from?: string;
  /**
   * Our group messages: per member account id, the device ids whose delivery
   * receipt has not come yet (groups/group-delivery.ts). Empty lists for all: ✓✓.
   */
  readonly delivery?: Readonly<Record<string, readonly number[]>>;
  /**
   * Reactions, one emoji each: ours, the 1:1 peer's (`theirs`), and in a
   * group each other member's, by account id (`members`).
   */
  readonly reactions?: {
    readonly mine?: string;
    readonly theirs?: string;
    readonly members?: Readonly<Record<string, string>>;
  };
  /** Order within the conversation, assigned by the store on insert. */
  readonly seq: number;
}

/** A message not yet acknowledged by the server, kept across restarts. */
export interface OutboxItem {
  /** Same as the message id (or a fresh id for receipts and other control items). */
  readonly id: string;
  readonly recipient: string;
  /** The unpadded plaintext content; encrypted anew on every attempt. */
  readonly content: Uint8Array;
  readonly createdAt: number;
  /** Server-side retention hint, seconds. */
  readonly ttlSeconds: number;
}

/** A key/value record in a namespace: protocol state, contacts, settings. */
export interface RecordEntry {
  readonly key: string;
  readonly value: Uint8Array;
}

/** One atomic set of writes. A null record value deletes the record. */
export interface WriteBatch {
  records?: ReadonlyArray<{ ns: string; key: string; value: Uint8Array | null }>;
  /** Inserted (seq assigned) or replaced (seq kept) by id. */
  putMessages?: ReadonlyArray<Omit<MessageRecord, 'seq'>>;
  deleteMessages?: readonly string[];
  putOutbox?: readonly OutboxItem[];
  deleteOutbox?: readonly string[];
  /** Ids (envelope ids, sender+content ids) remembered for de-duplication (the most recent 8192, see seen-ring.ts). */
  seen?: readonly string[];
}

/**
 * The store port. Small on purpose: reads by key, one atomic write, expiry.
 * @example
 * await store.apply({ putMessages: [msg], records: [{ ns: 'session', key: peer, value }] });
 * const gone = await store.deleteExpired(Date.now());
 */
export interface ClientStore {
  getRecord(ns: string, key: string): Promise<Uint8Array | undefined>;
  listRecords(ns: string): Promise<RecordEntry[]>;
  getMessage(id: string): Promise<MessageRecord | undefined>;
  /** Messages of one conversation in order (oldest first), expired ones excluded. */
  listMessages(conversationId: string, now: number): Promise<MessageRecord[]>;
  listOutbox(): Promise<OutboxItem[]>;
  hasSeen(id: string): Promise<boolean>;
  apply(batch: WriteBatch): Promise<void>;
  /** Deletes every message whose deadline has passed (key and row); returns their ids. */
  deleteExpired(now: number): Promise<string[]>;
  /** Earliest pending deadline, ms, or null. */
  nextExpiry(): Promise<number | null>;
  close(): Promise<void>;
}
