/**
 * IndexedDB adapter of the client SDK's ClientStore port. Owns the object
 * store layout and the sealing of each row; opening and key derivation live
 * in open-store.ts. Each message is sealed under its own random key, kept in
 * its own row (itself sealed under the profile's data key): expiry deletes
 * both in one transaction, so a copy of the database taken afterwards holds
 * nothing that opens the message, even with the passphrase.
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
import { done, hex, req, STORES } from './idb.js';

const te = new TextEncoder();

interface MessageRow {
  id: string;
  conv: string;
  seq: number;
  expiresAt: number | null;
  body: Uint8Array;
}

/** A ClientStore on one IndexedDB database. Create it with `openIndexedDbStore`. */
export class IndexedDbStore implements ClientStore {
  readonly #db: IDBDatabase;
  readonly #keys: AtRestKeys;
  #closed = false;

  constructor(db: IDBDatabase, keys: AtRestKeys) {
    this.#db = db;
    this.#keys = keys;
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
    const tx = this.#tx('messages', 'messageKeys');
    const [row, key] = await Promise.all([
      req(tx.objectStore('messages').get(id)) as Promise<MessageRow | undefined>,
      req(tx.objectStore('messageKeys').get(id)) as Promise<{ key: Uint8Array } | undefined>,
    ]);
    return row && key ? this.#openMessage(row, key.key) : undefined;
  }

  async listMessages(conversationId: string, now: number): Promise<MessageRecord[]> {
    const tx = this.#tx('messages', 'messageKeys');
    const conv = hex(this.#keys.tag('conv', conversationId));
    const range = IDBKeyRange.bound([conv, -Infinity], [conv, Infinity]);
    const rows = ((await req(tx.objectStore('messages').index('conv').getAll(range))) as MessageRow[]).filter(
      (r) => r.expiresAt === null || r.expiresAt > now,
    );
    const keys = await Promise.all(rows.map((r) => req(tx.objectStore('messageKeys').get(r.id))));
    const out: MessageRecord[] = [];
    rows.forEach((row, i) => {
      const key = keys[i] as { key: Uint8Array } | undefined;
      if (key) out.push(this.#openMessage(row, key.key));
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

  async apply(batch: WriteBatch): Promise<void> {
    this.#assertOpen();
    const tx = this.#db.transaction([...STORES], 'readwrite');
    const finished = done(tx);
    try {
      for (const r of batch.records ?? []) this.#writeRecord(tx, r.ns, r.key, r.value);
      for (const m of batch.putMessages ?? []) await this.#writeMessage(tx, m);
      for (const id of batch.deleteMessages ?? []) deleteMessage(tx, id);
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

  async deleteExpired(now: number): Promise<string[]> {
    this.#assertOpen();
    return shredExpired(this.#db, now);
  }

  async nextExpiry(): Promise<number | null> {
    const cursor = await req(this.#tx('messages').objectStore('messages').index('expiresAt').openKeyCursor());
    return cursor ? (cursor.key as number) : null;
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

  #tx(...names: (typeof STORES)[number][]): IDBTransaction {
    this.#assertOpen();
    return this.#db.transaction(names, 'readonly');
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

  async #writeMessage(tx: IDBTransaction, m: Omit<MessageRecord, 'seq'>): Promise<void> {
    const keyAad = te.encode(`key:${m.id}`);
    const messages = tx.objectStore('messages');
    const existing = (await req(tx.objectStore('messageKeys').get(m.id))) as { key: Uint8Array } | undefined;
    const key = existing ? this.#keys.open(existing.key, keyAad) : randomBytes(32);
    const body = seal(key, encodeMessage(m), te.encode(m.id));
    const old = existing ? ((await req(messages.get(m.id))) as MessageRow | undefined) : undefined;
    const seq = old?.seq ?? (await nextSeq(messages));
    const row: MessageRow = {
      id: m.id,
      conv: hex(this.#keys.tag('conv', m.conversationId)),
      seq,
      expiresAt: m.expiresAt,
      body,
    };
    messages.put(row);
    if (!existing) tx.objectStore('messageKeys').put({ id: m.id, key: this.#keys.seal(key, keyAad) });
    key.fill(0);
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

async function nextSeq(messages: IDBObjectStore): Promise<number> {
  const last = await req(messages.index('seq').openKeyCursor(null, 'prev'));
  return last ? (last.key as number) + 1 : 1;
}

function deleteMessage(tx: IDBTransaction, id: string): void {
  tx.objectStore('messageKeys').delete(id);
  tx.objectStore('messages').delete(id);
}

function unhex(s: string): Uint8Array {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Deletes the keys and rows of every message whose deadline has passed, in
 * one transaction. Needs no passphrase: deadlines are the one clear field.
 */
export async function shredExpired(db: IDBDatabase, now: number): Promise<string[]> {
  const tx = db.transaction(['messages', 'messageKeys'], 'readwrite');
  const finished = done(tx);
  const ids = (await req(
    tx.objectStore('messages').index('expiresAt').getAllKeys(IDBKeyRange.upperBound(now)),
  )) as string[];
  for (const id of ids) deleteMessage(tx, id);
  await finished;
  return ids;
}
