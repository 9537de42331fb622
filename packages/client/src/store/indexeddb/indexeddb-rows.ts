/**
 * IndexedDB adapter of the RowStore port: sealed rows in object stores, and
 * each message's sealed key in a KeyVault (a file of its own in OPFS where
 * the browser has it; see key-vault.ts for why not in IndexedDB). Expiry
 * deletes the row, then the key file, so a copy of the profile taken
 * afterwards holds nothing that opens the message, even with the
 * passphrase. Sealing and encoding live in ../sealed-store.ts.
 */
import type {
  KeyedMessageRow,
  LegacyRows,
  MessageRow,
  OutboxRow,
  RecordRow,
  RowChanges,
  UpgradableRows,
} from '../rows.js';
import { done, FORMAT_KEY, hex, LEGACY_SEEN_KEY, req, type StoreName, unhex } from './idb.js';
import type { KeyVault } from './key-vault.js';

const DATA_STORES: StoreName[] = ['records', 'messages', 'outbox'];

/** How rows sit in IndexedDB: tags as hex strings (usable as keys). */
interface IdbRecord {
  tag: string;
  ns: string;
  value: Uint8Array;
}
interface IdbMessage {
  id: string;
  conv: string;
  expiresAt: number | null;
  body: Uint8Array;
}

const toRecord = (r: IdbRecord): RecordRow => ({ tag: unhex(r.tag), ns: unhex(r.ns), value: r.value });
const toMessage = (r: IdbMessage): MessageRow => ({ ...r, conv: unhex(r.conv) });

/** The rows of one profile database plus its key vault. Opened through `openIndexedDbStore`. */
export class IndexedDbRows implements UpgradableRows {
  readonly #db: IDBDatabase;
  readonly #vault: KeyVault;

  constructor(db: IDBDatabase, vault: KeyVault) {
    this.#db = db;
    this.#vault = vault;
  }

  async getRecord(tag: Uint8Array): Promise<Uint8Array | undefined> {
    const row = (await req(this.#read('records').get(hex(tag)))) as IdbRecord | undefined;
    return row?.value;
  }

  async listRecords(ns: Uint8Array): Promise<RecordRow[]> {
    const rows = (await req(this.#read('records').index('ns').getAll(hex(ns)))) as IdbRecord[];
    return rows.map(toRecord);
  }

  async getMessage(id: string): Promise<KeyedMessageRow | undefined> {
    const row = (await req(this.#read('messages').get(id))) as IdbMessage | undefined;
    const sealedKey = row && (await this.#vault.get(id));
    return row && sealedKey ? { row: toMessage(row), sealedKey } : undefined;
  }

  async listMessages(conv: Uint8Array, now: number): Promise<KeyedMessageRow[]> {
    const rows = ((await req(this.#read('messages').index('conv').getAll(hex(conv)))) as IdbMessage[]).filter(
      (r) => r.expiresAt === null || r.expiresAt > now,
    );
    const keys = await Promise.all(rows.map((r) => this.#vault.get(r.id)));
    const out: KeyedMessageRow[] = [];
    rows.forEach((row, i) => {
      const sealedKey = keys[i];
      if (sealedKey) out.push({ row: toMessage(row), sealedKey });
    });
    return out;
  }

  async listOutbox(): Promise<OutboxRow[]> {
    return (await req(this.#read('outbox').getAll())) as OutboxRow[];
  }

  /**
   * New message keys are written first (an await on anything but IndexedDB
   * would end the transaction), the rows in one transaction, and keys of
   * deleted messages removed after it commits. A crash between the steps
   * leaves only orphans, which `collectOrphans` removes on the next open.
   */
  async write(c: RowChanges): Promise<void> {
    const fresh = c.putMessages.filter((m) => m.sealedKey);
    for (const m of fresh) await this.#vault.put(m.row.id, m.sealedKey as Uint8Array);
    try {
      await this.#writeRows(c);
    } catch (err) {
      await this.#vault.delete(fresh.map((m) => m.row.id)).catch(() => undefined);
      throw err;
    }
    if (c.deleteMessages.length > 0) await this.#vault.delete(c.deleteMessages);
  }

  async deleteExpired(now: number): Promise<string[]> {
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
    const cursor = await req(this.#read('messages').index('expiresAt').openKeyCursor());
    return cursor ? (cursor.key as number) : null;
  }

  /** Removes keys without a message and messages without a key (left by a crash mid-write). */
  async collectOrphans(): Promise<void> {
    const rows = new Set((await req(this.#read('messages').getAllKeys())) as string[]);
    const keyed = new Set(await this.#vault.ids());
    await this.#vault.delete([...keyed].filter((id) => !rows.has(id)));
    const keyless = [...rows].filter((id) => !keyed.has(id));
    if (keyless.length === 0) return;
    const tx = this.#db.transaction('messages', 'readwrite');
    for (const id of keyless) tx.objectStore('messages').delete(id);
    await done(tx);
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  async readLegacy(): Promise<LegacyRows | undefined> {
    if ((await req(this.#read('meta').get(FORMAT_KEY))) === 2) return undefined;
    const records = ((await req(this.#read('records').getAll())) as IdbRecord[]).map(toRecord);
    const rows = (await req(this.#read('messages').getAll())) as Array<IdbMessage & { seq: number }>;
    const messages: LegacyRows['messages'] = [];
    for (const { seq, ...row } of rows) {
      const sealedKey = await this.#vault.get(row.id);
      if (sealedKey) messages.push({ row: toMessage(row), sealedKey, seq });
    }
    const outbox = (await req(this.#read('outbox').getAll())) as Array<OutboxRow & { createdAt: number }>;
    const seen = ((await req(this.#read('meta').get(LEGACY_SEEN_KEY))) as string[] | undefined) ?? [];
    return { layout: 'indexeddb-v1', records, messages, outbox, seenTags: seen.map(unhex) };
  }

  /** Keys stay where they are (they do not change); every sealed row is replaced. */
  async finishUpgrade(c: RowChanges): Promise<void> {
    const tx = this.#db.transaction(['meta', ...DATA_STORES], 'readwrite');
    const finished = done(tx);
    for (const name of DATA_STORES) tx.objectStore(name).clear();
    this.#putRows(tx, c);
    tx.objectStore('meta').delete(LEGACY_SEEN_KEY);
    tx.objectStore('meta').put(2, FORMAT_KEY);
    await finished;
  }

  #read(name: StoreName): IDBObjectStore {
    return this.#db.transaction(name, 'readonly').objectStore(name);
  }

  async #writeRows(c: RowChanges): Promise<void> {
    const tx = this.#db.transaction(DATA_STORES, 'readwrite');
    const finished = done(tx);
    try {
      this.#putRows(tx, c);
      for (const tag of c.deleteRecords) tx.objectStore('records').delete(hex(tag));
      for (const id of c.deleteMessages) tx.objectStore('messages').delete(id);
      for (const id of c.deleteOutbox) tx.objectStore('outbox').delete(id);
    } catch (err) {
      tx.abort();
      await finished.catch(() => undefined);
      throw err;
    }
    await finished;
  }

  #putRows(tx: IDBTransaction, c: RowChanges): void {
    const records = tx.objectStore('records');
    for (const r of c.putRecords) records.put({ tag: hex(r.tag), ns: hex(r.ns), value: r.value });
    const messages = tx.objectStore('messages');
    for (const { row } of c.putMessages) messages.put({ ...row, conv: hex(row.conv) });
    const outbox = tx.objectStore('outbox');
    for (const o of c.putOutbox) outbox.put({ id: o.id, body: o.body });
  }
}
