/**
 * IndexedDB adapter of the client SDK's ClientStore port. Owns the object
 * store layout and the sealing of each row; opening and key derivation live
 * in open-store.ts. Each message is sealed under its own random key, and
 * that key (itself sealed under the profile's data key) lives in a KeyVault
 * file of its own: expiry deletes the row, then unlinks the key file, so a
 * copy of the profile taken afterwards holds nothing that opens the message,
 * even with the passphrase (see key-vault.ts for why the key is not in
 * IndexedDB).
 */

import { randomBytes } from '@noble/hashes/utils.js';
import {
  type AtRestKeys,
  type ClientStore,
  type MessageRecord,
  type OutboxItem,
  open,
  type RecordEntry,
  seal,
  type WriteBatch,
} from '@tacet/client';
import {
  decodeMessage,
  decodeOutbox,
  decodeRecord,
  encodeMessage,
  encodeOutbox,
  encodeRecord,
} from './codec.js';
import { done, hex, req, type StoreName } from './idb.js';
import type { KeyVault } from './key-vault.js';

const te = new TextEncoder();
const DATA_STORES: StoreName[] = ['records', 'messages', 'outbox', 'seen'];

interface MessageRow {
  id: string;
  conv: string;
  seq: number;
  expiresAt: number | null;
  body: Uint8Array;
}

/** A message sealed and ready to store; `fresh` when its key is new. */
interface PreparedMessage {
  row: Omit<MessageRow, 'seq'>;
  sealedKey: Uint8Array;
  fresh: boolean;
}

/** A ClientStore on one IndexedDB database plus a key vault. Create it with `openIndexedDbStore`. */
export class IndexedDbStore implements ClientStore {
  readonly #db: IDBDatabase;
  readonly #keys: AtRestKeys;
  readonly #vault: KeyVault;
  #closed = false;

  constructor(db: IDBDatabase, keys: AtRestKeys, vault: KeyVault) {
    this.#db = db;
    this.#keys = keys;
    this.#vault = vault;
  }

  async getRecord(ns: string, key: string): Promise<Uint8Array | undefined> {
    const tag = this.#keys.tag(ns, key);
    const row = await req(this.#tx('records').objectStore('records').get(hex(tag)));
    return row ? decodeRecord(this.#keys.open(row.value, tag)).value : undefined;
  }

  async listRecords(ns: string): Promise<RecordEntry[]> {
    const index = this.#tx('records').objectStore('records').index('ns');
    const rows = (await req(index.getAll(hex(this.#keys.tag('ns', ns))))) as {
      tag: string;
      value: Uint8Array;
    }[];
    return rows.map((r) => decodeRecord(this.#keys.open(r.value, unhex(r.tag))));
  }

  async getMessage(id: string): Promise<MessageRecord | undefined> {
    const row = (await req(this.#tx('messages').objectStore('messages').get(id))) as MessageRow | undefined;
    const key = row && (await this.#vault.get(id));
    return row && key ? this.#openMessage(row, key) : undefined;
  }

  async listMessages(conversationId: string, now: number): Promise<MessageRecord[]> {
    const conv = hex(this.#keys.tag('conv', conversationId));
    const range = IDBKeyRange.bound([conv, -Infinity], [conv, Infinity]);
    const index = this.#tx('messages').objectStore('messages').index('conv');
    const rows = ((await req(index.getAll(range))) as MessageRow[]).filter(
      (r) => r.expiresAt === null || r.expiresAt > now,
    );
    const keys = await Promise.all(rows.map((r) => this.#vault.get(r.id)));
    const out: MessageRecord[] = [];
    rows.forEach((row, i) => {
      const key = keys[i];
      if (key) out.push(this.#openMessage(row, key));
    });
    return out;
  }

  async listOutbox(): Promise<OutboxItem[]> {
    const index = this.#tx('outbox').objectStore('outbox').index('createdAt');
    const rows = (await req(index.getAll())) as { id: string; body: Uint8Array }[];
    return rows.map((r) => decodeOutbox(this.#keys.open(r.body, te.encode(`outbox:${r.id}`))));
  }

  async hasSeen(id: string): Promise<boolean> {
    const n = await req(
      this.#tx('seen')
        .objectStore('seen')
        .count(hex(this.#keys.tag('seen', id))),
    );
    return n > 0;
  }

  /**
   * New message keys are written first (an await on anything but IndexedDB
   * would end the transaction), the rows in one transaction, and keys of
   * deleted messages removed after it commits. A crash between the steps
   * leaves only orphans, which `collectOrphans` removes on the next open.
   */
  async apply(batch: WriteBatch): Promise<void> {
    this.#assertOpen();
    const prepared: PreparedMessage[] = [];
    for (const m of batch.putMessages ?? []) prepared.push(await this.#prepareMessage(m));
    const fresh = prepared.filter((p) => p.fresh);
    for (const p of fresh) await this.#vault.put(p.row.id, p.sealedKey);
    try {
      await this.#writeRows(batch, prepared);
    } catch (err) {
      await this.#vault.delete(fresh.map((p) => p.row.id)).catch(() => undefined);
      throw err;
    }
    if (batch.deleteMessages?.length) await this.#vault.delete(batch.deleteMessages);
  }

  async deleteExpired(now: number): Promise<string[]> {
    this.#assertOpen();
    const tx = this.#db.transaction('messages', 'readwrite');
    const finished = done(tx);
    const store = tx.objectStore('messages');
    const ids = (await req(store.index('expiresAt').getAllKeys(IDBKeyRange.upperBound(now)))) as string[];
    for (const id of ids) store.delete(id);
    await finished;
    await this.#vault.delete(ids);
    return ids;
  }

  async nextExpiry(): Promise<number | null> {
    const cursor = await req(this.#tx('messages').objectStore('messages').index('expiresAt').openKeyCursor());
    return cursor ? (cursor.key as number) : null;
  }

  /** Removes keys without a message and messages without a key (left by a crash mid-write). */
  async collectOrphans(): Promise<void> {
    const store = this.#tx('messages').objectStore('messages');
    const rows = new Set((await req(store.getAllKeys())) as string[]);
    const keyed = new Set(await this.#vault.ids());
    await this.#vault.delete([...keyed].filter((id) => !rows.has(id)));
    const keyless = [...rows].filter((id) => !keyed.has(id));
    if (keyless.length === 0) return;
    const tx = this.#db.transaction('messages', 'readwrite');
    for (const id of keyless) tx.objectStore('messages').delete(id);
    await done(tx);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
    this.#keys.wipe();
  }

  #assertOpen(): void {
    if (this.#closed) throw new RangeError('store is closed');
  }

  #tx(...names: StoreName[]): IDBTransaction {
    this.#assertOpen();
    return this.#db.transaction(names, 'readonly');
  }

  async #writeRows(batch: WriteBatch, prepared: readonly PreparedMessage[]): Promise<void> {
    const tx = this.#db.transaction(DATA_STORES, 'readwrite');
    const finished = done(tx);
    try {
      for (const r of batch.records ?? []) this.#writeRecord(tx, r.ns, r.key, r.value);
      for (const p of prepared) await putRow(tx.objectStore('messages'), p.row);
      for (const id of batch.deleteMessages ?? []) tx.objectStore('messages').delete(id);
      for (const o of batch.putOutbox ?? []) this.#writeOutbox(tx, o);
      for (const id of batch.deleteOutbox ?? []) tx.objectStore('outbox').delete(id);
      const at = Date.now();
      for (const id of batch.seen ?? [])
        tx.objectStore('seen').put({ tag: hex(this.#keys.tag('seen', id)), at });
    } catch (err) {
      tx.abort();
      await finished.catch(() => undefined);
      throw err;
    }
    await finished;
  }

  #writeRecord(tx: IDBTransaction, ns: string, key: string, value: Uint8Array | null): void {
    const tag = this.#keys.tag(ns, key);
    if (value === null) {
      tx.objectStore('records').delete(hex(tag));
      return;
    }
    const sealed = this.#keys.seal(encodeRecord(key, value), tag);
    tx.objectStore('records').put({ tag: hex(tag), ns: hex(this.#keys.tag('ns', ns)), value: sealed });
  }

  /** Seals a message under its key: the one it already has, or a fresh random one. */
  async #prepareMessage(m: Omit<MessageRecord, 'seq'>): Promise<PreparedMessage> {
    const keyAad = te.encode(`key:${m.id}`);
    const existing = await this.#vault.get(m.id);
    const key = existing ? this.#keys.open(existing, keyAad) : randomBytes(32);
    const body = seal(key, encodeMessage(m), te.encode(m.id));
    const sealedKey = existing ?? this.#keys.seal(key, keyAad);
    key.fill(0);
    const conv = hex(this.#keys.tag('conv', m.conversationId));
    return { row: { id: m.id, conv, expiresAt: m.expiresAt, body }, sealedKey, fresh: !existing };
  }

  #writeOutbox(tx: IDBTransaction, o: OutboxItem): void {
    const body = this.#keys.seal(encodeOutbox(o), te.encode(`outbox:${o.id}`));
    tx.objectStore('outbox').put({ id: o.id, createdAt: o.createdAt, body });
  }

  #openMessage(row: MessageRow, sealedKey: Uint8Array): MessageRecord {
    const key = this.#keys.open(sealedKey, te.encode(`key:${row.id}`));
    const rec = decodeMessage(open(key, row.body, te.encode(row.id)));
    key.fill(0);
    return { ...rec, id: row.id, seq: row.seq, expiresAt: row.expiresAt };
  }
}

/** Inserts a row with the next sequence number, or replaces one keeping its number. */
async function putRow(messages: IDBObjectStore, row: Omit<MessageRow, 'seq'>): Promise<void> {
  const old = (await req(messages.get(row.id))) as MessageRow | undefined;
  let seq = old?.seq;
  if (seq === undefined) {
    const last = await req(messages.index('seq').openKeyCursor(null, 'prev'));
    seq = last ? (last.key as number) + 1 : 1;
  }
  messages.put({ ...row, seq });
}

function unhex(s: string): Uint8Array {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}
