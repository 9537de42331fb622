/**
 * The ClientStore every adapter shares: lookup keys become HMAC tags, every
 * value is sealed (records under the profile's data key, each message under
 * its own random key), encoded with the one codec (codec.ts). Message and
 * outbox order, and the de-duplication ring, are sealed state of their own,
 * so nothing in the clear counts past traffic. The adapter below (RowStore)
 * only keeps rows and makes a batch atomic.
 */
import { primitives } from '@tacet/protocol';
import type { AtRestKeys } from './at-rest.js';
import {
  corrupt,
  decodeMessage,
  decodeOutbox,
  decodeRecord,
  encodeMessage,
  encodeOutbox,
  encodeRecord,
  type StoredOutbox,
} from './codec.js';
import { upgradeV1 } from './legacy-upgrade.js';
import { type CachedMessage, MessageCache } from './message-cache.js';
import { OutboxMemory } from './outbox-memory.js';
import { RecordCache } from './record-cache.js';
import {
  emptyChanges,
  type KeyedMessageRow,
  type RowChanges,
  type RowStore,
  type UpgradableRows,
} from './rows.js';
import { SEEN_CHUNKS, SEEN_TAG_BYTES, SeenRing } from './seen-ring.js';
import { TagMemo } from './tag-memo.js';
import type { ClientStore, MessageRecord, OutboxItem, RecordEntry, WriteBatch } from './types.js';

const te = new TextEncoder();

/** The store's own records: order counter, ring head and ring chunks. */
export const BOOK_NS = '\u0000store';
const COUNTERS = 'counters';
const chunkKey = (i: number) => `seen:${i}`;
const ALL_CHUNKS: ReadonlySet<number> = new Set(Array.from({ length: SEEN_CHUNKS }, (_, i) => i));

/** Fixed-size counters (8-byte next order number, 4-byte ring head): their length says nothing. */
function encodeCounters(nextSeq: number, head: number): Uint8Array {
  const out = new Uint8Array(12);
  const v = new DataView(out.buffer);
  v.setFloat64(0, nextSeq);
  v.setUint32(8, head);
  return out;
}

function decodeCounters(b: Uint8Array): { nextSeq: number; head: number } {
  if (b.length !== 12) corrupt('store counters');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const nextSeq = v.getFloat64(0);
  if (!Number.isSafeInteger(nextSeq) || nextSeq < 1) corrupt('store counters');
  return { nextSeq, head: v.getUint32(8) };
}

/** Runs writes one at a time: order numbers and the ring are read-modify-write state. */
class Serial {
  #tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(fn, fn);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}

/**
 * @example
 * const store = await SealedStore.open(new SqliteRows(db), keys);
 * await store.apply({ putMessages: [msg], seen: ['env:ab12'] });
 */
export class SealedStore implements ClientStore {
  readonly #rows: RowStore;
  readonly #keys: AtRestKeys;
  readonly #serial = new Serial();
  readonly #cache = new RecordCache();
  readonly #messages = new MessageCache();
  /** Loaded on first use, inside a commit's turn (see `#outbox`). */
  #outboxItems: OutboxMemory | undefined;
  readonly #tags: TagMemo;
  /** Tags `hasSeen` computed, kept for the `apply` that records the same ids (one HMAC per id, not two). */
  readonly #seenTags = new Map<string, Uint8Array>();
  #ring: SeenRing;
  #nextSeq: number;
  #closed = false;

  protected constructor(rows: RowStore, keys: AtRestKeys, ring: SeenRing, nextSeq: number) {
    this.#rows = rows;
    this.#keys = keys;
    this.#tags = new TagMemo((ns, key) => keys.tag(ns, key));
    this.#ring = ring;
    this.#nextSeq = nextSeq;
  }

  /**
   * Loads the sealed bookkeeping, creating it (at its full, final size) in a
   * new profile; a v1 profile is upgraded first, in one atomic step.
   */
  static async open(rows: RowStore | UpgradableRows, keys: AtRestKeys): Promise<SealedStore> {
    const legacy = 'readLegacy' in rows ? await rows.readLegacy() : undefined;
    if (legacy && 'finishUpgrade' in rows) {
      const { changes, ring, nextSeq } = upgradeV1(legacy, keys, aad);
      const store = new SealedStore(rows, keys, ring, nextSeq);
      store.#bookWrites(changes, ALL_CHUNKS);
      await rows.finishUpgrade(changes);
      return store;
    }
    const { ring, nextSeq, fresh } = await loadBook(rows, keys);
    const store = new SealedStore(rows, keys, ring, nextSeq);
    if (fresh) await store.#writeBook(ALL_CHUNKS);
    return store;
  }

  async getRecord(ns: string, key: string): Promise<Uint8Array | undefined> {
    const cached = this.#cache.get(ns, key);
    if (cached !== undefined) return cached ?? undefined;
    const epoch = this.#cache.epoch;
    const tag = this.#tags.tag(ns, key);
    const blob = await this.#rows.getRecord(tag);
    const value = blob ? decodeRecord(this.#keys.open(blob, tag)).value : undefined;
    this.#cache.fill(ns, key, value, epoch);
    return value;
  }

  async listRecords(ns: string): Promise<RecordEntry[]> {
    const rows = await this.#rows.listRecords(this.#tags.tag('ns', ns));
    return rows.map((r) => decodeRecord(this.#keys.open(r.value, r.tag)));
  }

  async getMessage(id: string): Promise<MessageRecord | undefined> {
    const cached = this.#messages.get(id);
    if (cached) return { ...decodeMessage(cached.plain), id, expiresAt: cached.expiresAt };
    const epoch = this.#messages.epoch;
    const r = await this.#rows.getMessage(id);
    if (!r) return undefined;
    const key = this.#keys.open(r.sealedKey, keyAad(id));
    const plain = this.#keys.aead.open(key, r.row.body, te.encode(id));
    key.fill(0);
    const stored = decodeMessage(plain);
    const { expiresAt } = r.row;
    this.#messages.fill(id, { plain, seq: stored.seq, expiresAt, sealedKey: r.sealedKey }, epoch);
    plain.fill(0);
    return { ...stored, id, expiresAt };
  }

  async listMessages(conversationId: string, now: number): Promise<MessageRecord[]> {
    const rows = await this.#rows.listMessages(this.#tags.tag('conv', conversationId), now);
    return rows.map((r) => this.#openMessage(r)).sort((a, b) => a.seq - b.seq);
  }

  async listOutbox(): Promise<OutboxItem[]> {
    // Loaded in turn with the commits, so no commit lands between reading the rows and keeping them.
    const outbox = this.#outboxItems ?? (await this.#serial.run(() => this.#outbox()));
    return outbox.list();
  }

  async hasSeen(id: string): Promise<boolean> {
    const tag = this.#seenTag(id);
    if (this.#seenTags.size >= 4096) this.#seenTags.clear();
    this.#seenTags.set(id, tag);
    return this.#ring.has(tag);
  }

  apply(batch: WriteBatch): Promise<void> {
    this.#assertOpen();
    return this.#serial.run(() => this.#apply(batch));
  }

  async deleteExpired(now: number): Promise<string[]> {
    this.#assertOpen();
    const ids = await this.#rows.deleteExpired(now);
    this.#messages.drop(ids);
    return ids;
  }

  nextExpiry(): Promise<number | null> {
    return this.#rows.nextExpiry();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#serial.run(async () => undefined);
    await this.#rows.close();
    this.#cache.wipe();
    this.#messages.wipe();
    this.#outboxItems?.wipe();
    this.#outboxItems = undefined;
    this.#tags.clear();
    this.#seenTags.clear();
    this.#keys.wipe();
  }

  #assertOpen(): void {
    if (this.#closed) throw new RangeError('store is closed');
  }

  #seenTag(id: string): Uint8Array {
    const known = this.#seenTags.get(id);
    if (known) {
      this.#seenTags.delete(id);
      return known;
    }
    return this.#keys.tag('seen', id).subarray(0, SEEN_TAG_BYTES);
  }

  async #apply(batch: WriteBatch): Promise<void> {
    const changes = emptyChanges();
    const seqBefore = this.#nextSeq;
    const ringBefore = this.#ring.head;
    const dirty = new Set<number>();
    const written = new Map<string, CachedMessage>();
    const records = lastWrites(batch.records ?? []);
    try {
      for (const r of records) {
        // Put again unchanged (a contact's name with every message): the disk already holds it.
        if (!this.#cache.holds(r.ns, r.key, r.value)) this.#record(changes, r.ns, r.key, r.value);
      }
      const prepared = new Map<string, Prepared>();
      for (const m of batch.putMessages ?? []) await this.#message(changes, prepared, written, m);
      for (const p of prepared.values()) p.key.fill(0);
      changes.deleteMessages.push(...(batch.deleteMessages ?? []));
      const outboxPuts = batch.putOutbox?.length ? await this.#outboxPuts(changes, batch.putOutbox) : [];
      changes.deleteOutbox.push(...(batch.deleteOutbox ?? []));
      for (const id of batch.seen ?? []) {
        const chunk = this.#ring.add(this.#seenTag(id));
        if (chunk >= 0) dirty.add(chunk);
      }
      if (this.#nextSeq !== seqBefore || dirty.size > 0) this.#bookWrites(changes, dirty);
      await this.#rows.write(changes);
      this.#cache.committed(records);
      this.#messages.committed(written, batch.deleteMessages ?? []);
      this.#outboxItems?.committed(outboxPuts, batch.deleteOutbox ?? []);
    } catch (err) {
      this.#cache.forget(records);
      for (const w of written.values()) w.plain.fill(0);
      this.#messages.drop([...written.keys(), ...(batch.deleteMessages ?? [])]);
      // Whether the outbox rows changed is unknown: read them afresh when next needed.
      this.#outboxItems?.wipe();
      this.#outboxItems = undefined;
      // The order counter is not wound back: a commit can throw after it landed (the WAL truncation
      // after COMMIT), and then the numbers it used are on disk. A gap is harmless, a reused number is
      // not. The seen ring reloads from the store, which holds the truth either way.
      if (this.#ring.head !== ringBefore || dirty.size > 0)
        this.#ring = (await loadBook(this.#rows, this.#keys)).ring;
      throw err;
    }
  }

  #record(changes: RowChanges, ns: string, key: string, value: Uint8Array | null): void {
    const tag = this.#tags.tag(ns, key);
    if (value === null) {
      changes.deleteRecords.push(tag);
      return;
    }
    const sealed = this.#keys.seal(encodeRecord({ key, value }), tag);
    changes.putRecords.push({ tag, ns: this.#tags.tag('ns', ns), value: sealed });
  }

  /** Seals a message under its key: the one it already has (order kept), or a fresh one (next order number). */
  async #message(
    changes: RowChanges,
    prepared: Map<string, Prepared>,
    written: Map<string, CachedMessage>,
    m: Omit<MessageRecord, 'seq'>,
  ): Promise<void> {
    let known = prepared.get(m.id);
    if (known) {
      // Put twice in one batch: the later form wins, the row is written once.
      changes.putMessages.splice(
        changes.putMessages.findIndex((p) => p.row.id === m.id),
        1,
      );
    } else {
      known = await this.#prepareMessage(m.id);
      prepared.set(m.id, known);
    }
    const { id, expiresAt, ...rest } = m;
    const plain = encodeMessage({ ...rest, seq: known.seq });
    const body = this.#keys.aead.seal(known.key, plain, te.encode(id));
    const row = { id, conv: this.#tags.tag('conv', m.conversationId), expiresAt, body };
    changes.putMessages.push(known.isNew ? { row, sealedKey: known.sealedKey } : { row });
    written.get(id)?.plain.fill(0);
    written.set(id, { plain, seq: known.seq, expiresAt, sealedKey: known.sealedKey });
  }

  /** The key and order number a put message gets: its own if it exists (cached or stored), else new ones. */
  async #prepareMessage(id: string): Promise<Prepared> {
    const hit = this.#messages.get(id);
    if (hit) {
      const key = this.#keys.open(hit.sealedKey, keyAad(id));
      return { key, seq: hit.seq, sealedKey: hit.sealedKey, isNew: false };
    }
    const existing = await this.#rows.getMessage(id);
    if (existing) {
      const key = this.#keys.open(existing.sealedKey, keyAad(id));
      const old = decodeMessage(this.#keys.aead.open(key, existing.row.body, te.encode(id)));
      return { key, seq: old.seq, sealedKey: existing.sealedKey, isNew: false };
    }
    const key = primitives.randomBytes(32);
    return { key, seq: this.#nextSeq++, sealedKey: this.#keys.seal(key, keyAad(id)), isNew: true };
  }

  /** The outbox in memory, read from the rows once; call only in a commit's turn. */
  async #outbox(): Promise<OutboxMemory> {
    if (this.#outboxItems) return this.#outboxItems;
    const rows = await this.#rows.listOutbox();
    this.#outboxItems = new OutboxMemory(
      rows.map((r) => decodeOutbox(this.#keys.open(r.body, outboxAad(r.id)))),
    );
    return this.#outboxItems;
  }

  async #outboxPuts(changes: RowChanges, items: readonly OutboxItem[]): Promise<StoredOutbox[]> {
    const outbox = await this.#outbox();
    return items.map((o) => {
      // A replaced item keeps its place in the queue.
      const stored: StoredOutbox = { ...o, ord: outbox.ord(o.id) ?? this.#nextSeq++ };
      changes.putOutbox.push({ id: o.id, body: this.#keys.seal(encodeOutbox(stored), outboxAad(o.id)) });
      return stored;
    });
  }

  #bookWrites(changes: RowChanges, chunks: ReadonlySet<number>): void {
    this.#record(changes, BOOK_NS, COUNTERS, encodeCounters(this.#nextSeq, this.#ring.head));
    for (const i of chunks) this.#record(changes, BOOK_NS, chunkKey(i), this.#ring.chunk(i));
  }

  async #writeBook(chunks: ReadonlySet<number>): Promise<void> {
    const changes = emptyChanges();
    this.#bookWrites(changes, chunks);
    await this.#rows.write(changes);
  }

  #openMessage(r: KeyedMessageRow): MessageRecord {
    const key = this.#keys.open(r.sealedKey, keyAad(r.row.id));
    const stored = decodeMessage(this.#keys.aead.open(key, r.row.body, te.encode(r.row.id)));
    key.fill(0);
    return { ...stored, id: r.row.id, expiresAt: r.row.expiresAt };
  }
}

type RecordWrite = NonNullable<WriteBatch['records']>[number];

/** The last write of each record in a batch (the one that lands), in batch order. */
function lastWrites(records: readonly RecordWrite[]): readonly RecordWrite[] {
  if (records.length < 2) return records;
  const last = new Map<string, RecordWrite>();
  for (const r of records) {
    const k = `${r.ns}\u0000${r.key}`;
    last.delete(k);
    last.set(k, r);
  }
  return last.size === records.length ? records : [...last.values()];
}

/** A put message's key (open, wiped after the batch) and order number; `isNew` when its key row is to be written. */
interface Prepared {
  readonly key: Uint8Array;
  readonly seq: number;
  readonly sealedKey: Uint8Array;
  readonly isNew: boolean;
}

function keyAad(id: string): Uint8Array {
  return te.encode(`key:${id}`);
}

function outboxAad(id: string): Uint8Array {
  return te.encode(`outbox:${id}`);
}

/** AAD of each sealed part, shared with the upgrade of v1 profiles (legacy-upgrade.ts). */
export const aad = { key: keyAad, outbox: outboxAad, message: (id: string) => te.encode(id) };

async function loadBook(rows: RowStore, keys: AtRestKeys) {
  const read = async (key: string) => {
    const tag = keys.tag(BOOK_NS, key);
    const blob = await rows.getRecord(tag);
    return blob ? decodeRecord(keys.open(blob, tag)).value : undefined;
  };
  const counters = await read(COUNTERS);
  if (!counters) return { ring: SeenRing.fresh(), nextSeq: 1, fresh: true };
  const { nextSeq, head } = decodeCounters(counters);
  const chunks = await Promise.all(Array.from({ length: SEEN_CHUNKS }, (_, i) => read(chunkKey(i))));
  if (chunks.some((c) => c === undefined)) corrupt('de-duplication ring');
  return { ring: SeenRing.load(chunks as Uint8Array[], head), nextSeq, fresh: false };
}
