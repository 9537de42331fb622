/**
 * SQLite adapter of the ClientStore port (Node, better-sqlite3). Owns the
 * table layout and sealing of each row; key derivation lives in open.node.ts.
 * Each message row is sealed under its own random key, kept in a separate
 * row: deleting both, with secure_delete and a truncated WAL, shreds it.
 */

import { randomBytes } from '@noble/hashes/utils.js';
import type Database from 'better-sqlite3';
import type { AtRestKeys } from '../at-rest.js';
import {
  decodeMessage,
  decodeOutbox,
  decodeRecord,
  encodeMessage,
  encodeOutbox,
  encodeRecord,
} from '../codec.js';
import type { ClientStore, MessageRecord, OutboxItem, RecordEntry, WriteBatch } from '../types.js';
import { truncateWal } from './schema.node.js';

const te = new TextEncoder();
type Row = Record<string, unknown>;

/** A ClientStore on one SQLite file. Create it with `openSqliteStore`. */
export class SqliteStore implements ClientStore {
  readonly #db: Database.Database;
  readonly #keys: AtRestKeys;
  #closed = false;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database, keys: AtRestKeys) {
    this.#db = db;
    this.#keys = keys;
  }

  async getRecord(ns: string, key: string): Promise<Uint8Array | undefined> {
    const tag = this.#keys.tag(ns, key);
    const row = this.#sql('SELECT value FROM records WHERE tag = ?').get(tag) as Row | undefined;
    if (!row) return undefined;
    return decodeRecord(this.#keys.open(row.value as Uint8Array, tag)).value;
  }

  async listRecords(ns: string): Promise<RecordEntry[]> {
    const rows = this.#sql('SELECT tag, value FROM records WHERE ns = ?').all(this.#nsTag(ns)) as Row[];
    return rows.map((r) => decodeRecord(this.#keys.open(r.value as Uint8Array, r.tag as Uint8Array)));
  }

  async getMessage(id: string): Promise<MessageRecord | undefined> {
    const row = this.#sql(
      'SELECT m.id, m.seq, m.expires_at, m.body, k.key FROM messages m JOIN message_keys k USING (id) WHERE id = ?',
    ).get(id) as Row | undefined;
    return row ? this.#openMessage(row) : undefined;
  }

  async listMessages(conversationId: string, now: number): Promise<MessageRecord[]> {
    const rows = this.#sql(
      `SELECT m.id, m.seq, m.expires_at, m.body, k.key FROM messages m JOIN message_keys k USING (id)
         WHERE m.conv = ? AND (m.expires_at IS NULL OR m.expires_at > ?) ORDER BY m.seq`,
    ).all(this.#keys.tag('conv', conversationId), now) as Row[];
    return rows.map((r) => this.#openMessage(r));
  }

  async listOutbox(): Promise<OutboxItem[]> {
    const rows = this.#sql('SELECT id, body FROM outbox ORDER BY created_at, rowid').all() as Row[];
    return rows.map((r) =>
      decodeOutbox(this.#keys.open(r.body as Uint8Array, te.encode(`outbox:${r.id as string}`))),
    );
  }

  async hasSeen(id: string): Promise<boolean> {
    return this.#sql('SELECT 1 FROM seen WHERE tag = ?').get(this.#keys.tag('seen', id)) !== undefined;
  }

  async apply(batch: WriteBatch): Promise<void> {
    this.#assertOpen();
    let deleted = false;
    this.#db.transaction(() => {
      for (const r of batch.records ?? []) this.#writeRecord(r.ns, r.key, r.value);
      for (const m of batch.putMessages ?? []) this.#writeMessage(m);
      for (const id of batch.deleteMessages ?? []) deleted = this.#deleteMessage(id) || deleted;
      for (const o of batch.putOutbox ?? []) this.#writeOutbox(o);
      for (const id of batch.deleteOutbox ?? []) {
        // No WAL truncation for these: sent items hold nothing a later expiry would not also cover.
        this.#sql('DELETE FROM outbox WHERE id = ?').run(id);
      }
      const now = Date.now();
      for (const id of batch.seen ?? []) {
        this.#sql('INSERT OR IGNORE INTO seen (tag, at) VALUES (?, ?)').run(this.#keys.tag('seen', id), now);
      }
    })();
    if (deleted || (batch.records ?? []).some((r) => r.value === null)) truncateWal(this.#db);
  }

  async deleteExpired(now: number): Promise<string[]> {
    this.#assertOpen();
    return shredExpired(this.#db, now);
  }

  async nextExpiry(): Promise<number | null> {
    const row = this.#sql(
      'SELECT MIN(expires_at) AS t FROM messages WHERE expires_at IS NOT NULL',
    ).get() as Row;
    return (row.t as number | null) ?? null;
  }

  /** Forgets de-duplication ids older than `before` (ms). */
  async pruneSeen(before: number): Promise<void> {
    this.#sql('DELETE FROM seen WHERE at < ?').run(before);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    truncateWal(this.#db);
    this.#db.close();
    this.#keys.wipe();
  }

  /** Prepared once per SQL text: preparing is a measurable share of a small write. */
  #sql(text: string): Database.Statement {
    let st = this.#statements.get(text);
    if (!st) {
      st = this.#db.prepare(text);
      this.#statements.set(text, st);
    }
    return st;
  }

  #assertOpen(): void {
    if (this.#closed) throw new RangeError('store is closed');
  }

  #nsTag(ns: string): Uint8Array {
    return this.#keys.tag('ns', ns);
  }

  #writeRecord(ns: string, key: string, value: Uint8Array | null): void {
    const tag = this.#keys.tag(ns, key);
    if (value === null) {
      this.#sql('DELETE FROM records WHERE tag = ?').run(tag);
      return;
    }
    const sealed = this.#keys.seal(encodeRecord({ key, value }), tag);
    this.#sql(
      'INSERT INTO records (tag, ns, value) VALUES (?, ?, ?) ON CONFLICT (tag) DO UPDATE SET value = excluded.value',
    ).run(tag, this.#nsTag(ns), sealed);
  }

  #writeMessage(m: Omit<MessageRecord, 'seq'>): void {
    const aad = te.encode(m.id);
    const keyAad = te.encode(`key:${m.id}`);
    const existing = this.#sql('SELECT key FROM message_keys WHERE id = ?').get(m.id) as Row | undefined;
    const key = existing ? this.#keys.open(existing.key as Uint8Array, keyAad) : randomBytes(32);
    const body = this.#keys.aead.seal(key, encodeMessage(m), aad);
    if (existing) {
      this.#sql('UPDATE messages SET body = ?, expires_at = ? WHERE id = ?').run(body, m.expiresAt, m.id);
    } else {
      const conv = this.#keys.tag('conv', m.conversationId);
      const next = this.#sql('SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM messages').get() as Row;
      this.#sql('INSERT INTO messages (id, conv, seq, expires_at, body) VALUES (?, ?, ?, ?, ?)').run(
        m.id,
        conv,
        next.s,
        m.expiresAt,
        body,
      );
      this.#sql('INSERT INTO message_keys (id, key) VALUES (?, ?)').run(m.id, this.#keys.seal(key, keyAad));
    }
    key.fill(0);
  }

  #deleteMessage(id: string): boolean {
    const a = this.#sql('DELETE FROM message_keys WHERE id = ?').run(id).changes;
    const b = this.#sql('DELETE FROM messages WHERE id = ?').run(id).changes;
    return a + b > 0;
  }

  #writeOutbox(o: OutboxItem): void {
    const body = this.#keys.seal(encodeOutbox(o), te.encode(`outbox:${o.id}`));
    this.#sql(
      'INSERT INTO outbox (id, created_at, body) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body',
    ).run(o.id, o.createdAt, body);
  }

  #openMessage(row: Row): MessageRecord {
    const aad = te.encode(row.id as string);
    const key = this.#keys.open(row.key as Uint8Array, te.encode(`key:${row.id as string}`));
    const rec = decodeMessage(this.#keys.aead.open(key, row.body as Uint8Array, aad));
    key.fill(0);
    return {
      ...rec,
      id: row.id as string,
      seq: row.seq as number,
      expiresAt: (row.expires_at as number | null) ?? null,
    };
  }
}

/**
 * Deletes expired messages' keys and rows and truncates the WAL. Needs no
 * passphrase, so a reaper process can run it on a locked profile.
 */
export function shredExpired(db: Database.Database, now: number): string[] {
  const ids = (db.prepare('SELECT id FROM messages WHERE expires_at <= ?').all(now) as Row[]).map(
    (r) => r.id as string,
  );
  if (ids.length === 0) return ids;
  db.transaction(() => {
    for (const id of ids) {
      db.prepare('DELETE FROM message_keys WHERE id = ?').run(id);
      db.prepare('DELETE FROM messages WHERE id = ?').run(id);
    }
  })();
  truncateWal(db);
  return ids;
}
