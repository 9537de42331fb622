/**
 * SQLite adapter of the RowStore port (Node, better-sqlite3): sealed rows in
 * tables, one transaction per write. Deleting a message removes its key row
 * and its body row; with secure_delete and a truncated WAL nothing of it
 * stays in the file. Sealing and encoding live in ../sealed-store.ts.
 */
import type Database from 'better-sqlite3';
import type {
  KeyedMessageRow,
  LegacyRows,
  OutboxRow,
  RecordRow,
  RowChanges,
  UpgradableRows,
} from '../rows.js';
import { truncateWal, V2_TABLES, V2_VERSION } from './schema.node.js';

type Row = Record<string, unknown>;

const MESSAGE_COLUMNS =
  'SELECT m.id, m.conv, m.expires_at, m.body, k.key FROM messages m JOIN message_keys k USING (id)';

function keyedRow(r: Row): KeyedMessageRow {
  return {
    row: {
      id: r.id as string,
      conv: r.conv as Uint8Array,
      expiresAt: (r.expires_at as number | null) ?? null,
      body: r.body as Uint8Array,
    },
    sealedKey: r.key as Uint8Array,
  };
}

/** The rows of one SQLite file. Opened through `openSqliteStore`. */
export class SqliteRows implements UpgradableRows {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  async getRecord(tag: Uint8Array): Promise<Uint8Array | undefined> {
    const row = this.#sql('SELECT value FROM records WHERE tag = ?').get(tag) as Row | undefined;
    return row?.value as Uint8Array | undefined;
  }

  async listRecords(ns: Uint8Array): Promise<RecordRow[]> {
    return this.#sql('SELECT tag, ns, value FROM records WHERE ns = ?').all(ns) as RecordRow[];
  }

  async getMessage(id: string): Promise<KeyedMessageRow | undefined> {
    const row = this.#sql(`${MESSAGE_COLUMNS} WHERE id = ?`).get(id) as Row | undefined;
    return row ? keyedRow(row) : undefined;
  }

  async listMessages(conv: Uint8Array, now: number): Promise<KeyedMessageRow[]> {
    const rows = this.#sql(
      `${MESSAGE_COLUMNS} WHERE m.conv = ? AND (m.expires_at IS NULL OR m.expires_at > ?)`,
    ).all(conv, now) as Row[];
    return rows.map(keyedRow);
  }

  async listOutbox(): Promise<OutboxRow[]> {
    return this.#sql('SELECT id, body FROM outbox').all() as OutboxRow[];
  }

  async write(c: RowChanges): Promise<void> {
    if (this.#db.transaction(() => this.#writeRows(c))()) truncateWal(this.#db);
  }

  /** The row changes, inside the caller's transaction; true when something was deleted. */
  #writeRows(c: RowChanges): boolean {
    let shredded = c.deleteRecords.length > 0;
    for (const r of c.putRecords) {
      this.#sql(
        'INSERT INTO records (tag, ns, value) VALUES (?, ?, ?) ON CONFLICT (tag) DO UPDATE SET value = excluded.value',
      ).run(r.tag, r.ns, r.value);
    }
    for (const tag of c.deleteRecords) this.#sql('DELETE FROM records WHERE tag = ?').run(tag);
    for (const { row, sealedKey } of c.putMessages) this.#putMessage(row, sealedKey);
    for (const id of c.deleteMessages) shredded = this.#deleteMessage(id) || shredded;
    for (const o of c.putOutbox) {
      this.#sql(
        'INSERT INTO outbox (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body',
      ).run(o.id, o.body);
    }
    // No WAL truncation for these: sent items hold nothing a later expiry would not also cover.
    for (const id of c.deleteOutbox) this.#sql('DELETE FROM outbox WHERE id = ?').run(id);
    return shredded;
  }

  async deleteExpired(now: number): Promise<string[]> {
    return shredExpired(this.#db, now, (text) => this.#sql(text));
  }

  async nextExpiry(): Promise<number | null> {
    const row = this.#sql(
      'SELECT MIN(expires_at) AS t FROM messages WHERE expires_at IS NOT NULL',
    ).get() as Row;
    return (row.t as number | null) ?? null;
  }

  async close(): Promise<void> {
    truncateWal(this.#db);
    this.#db.close();
  }

  async readLegacy(): Promise<LegacyRows | undefined> {
    if ((this.#db.pragma('user_version', { simple: true }) as number) >= V2_VERSION) return undefined;
    const all = (sql: string) => this.#db.prepare(sql).all() as Row[];
    return {
      layout: 'sqlite-v1',
      records: all('SELECT tag, ns, value FROM records') as unknown as RecordRow[],
      messages: all(
        'SELECT m.id, m.conv, m.seq, m.expires_at, m.body, k.key FROM messages m JOIN message_keys k USING (id)',
      ).map((r) => ({ ...keyedRow(r), seq: r.seq as number })),
      outbox: all('SELECT id, created_at, body FROM outbox').map((r) => ({
        id: r.id as string,
        body: r.body as Uint8Array,
        createdAt: r.created_at as number,
      })),
      seenTags: all('SELECT tag FROM seen ORDER BY at, rowid').map((r) => r.tag as Uint8Array),
    };
  }

  async finishUpgrade(changes: RowChanges): Promise<void> {
    this.#statements.clear(); // they refer to the v1 tables
    this.#db.transaction(() => {
      this.#db.exec(`DROP TABLE seen; DROP TABLE outbox; DROP TABLE message_keys; DROP TABLE messages;
        DROP TABLE records; ${V2_TABLES}`);
      this.#writeRows(changes);
      this.#db.pragma(`user_version = ${V2_VERSION}`);
    })();
    // Rebuild the file (and let it shrink from now on): v1 pages held clear order numbers and receive times.
    this.#db.pragma('auto_vacuum = FULL');
    this.#db.exec('VACUUM');
    truncateWal(this.#db);
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

  #putMessage(row: KeyedMessageRow['row'], sealedKey: Uint8Array | undefined): void {
    this.#sql(
      `INSERT INTO messages (id, conv, expires_at, body) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body, expires_at = excluded.expires_at`,
    ).run(row.id, row.conv, row.expiresAt, row.body);
    if (sealedKey)
      this.#sql('INSERT OR REPLACE INTO message_keys (id, key) VALUES (?, ?)').run(row.id, sealedKey);
  }

  #deleteMessage(id: string): boolean {
    const a = this.#sql('DELETE FROM message_keys WHERE id = ?').run(id).changes;
    const b = this.#sql('DELETE FROM messages WHERE id = ?').run(id).changes;
    return a + b > 0;
  }
}

/**
 * Deletes expired messages' keys and rows and truncates the WAL. Needs no
 * passphrase, so a reaper process can run it on a locked profile.
 */
export function shredExpired(
  db: Database.Database,
  now: number,
  /** The store passes its statement cache: the sweep runs at every deadline, compiling SQL each time was most of its cost. */
  sql: (text: string) => Database.Statement = (text) => db.prepare(text),
): string[] {
  const ids = (sql('SELECT id FROM messages WHERE expires_at <= ?').all(now) as Row[]).map(
    (r) => r.id as string,
  );
  if (ids.length === 0) return ids;
  const deleteKey = sql('DELETE FROM message_keys WHERE id = ?');
  const deleteRow = sql('DELETE FROM messages WHERE id = ?');
  db.transaction(() => {
    for (const id of ids) {
      deleteKey.run(id);
      deleteRow.run(id);
    }
  })();
  truncateWal(db);
  return ids;
}
