/**
 * Numbered migrations for the client's SQLite file. Only random ids, HMAC
 * tags, order numbers and deadlines are stored in the clear; every other
 * byte is sealed (see ../at-rest.ts). Deadlines stay clear on purpose: a
 * reaper can shred expired messages without knowing the passphrase.
 */
import type Database from 'better-sqlite3';

const MIGRATIONS: readonly string[] = [
  // 001-init
  `CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
   CREATE TABLE records (tag BLOB PRIMARY KEY, ns BLOB NOT NULL, value BLOB NOT NULL);
   CREATE INDEX records_ns ON records (ns);
   CREATE TABLE messages (
     id TEXT PRIMARY KEY, conv BLOB NOT NULL, seq INTEGER NOT NULL,
     expires_at INTEGER, body BLOB NOT NULL);
   CREATE INDEX messages_conv ON messages (conv, seq);
   CREATE INDEX messages_expiry ON messages (expires_at) WHERE expires_at IS NOT NULL;
   CREATE TABLE message_keys (id TEXT PRIMARY KEY, key BLOB NOT NULL);
   CREATE TABLE outbox (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, body BLOB NOT NULL);
   CREATE TABLE seen (tag BLOB PRIMARY KEY, at INTEGER NOT NULL);`,
  // 002-seq-index: the next order number is MAX(seq); without this index every insert scanned the table.
  'CREATE INDEX messages_seq ON messages (seq);',
];

/** Opens the pragmas every connection needs, then runs pending migrations. */
export function prepareDatabase(db: Database.Database): void {
  // Zero freed pages, so deleted rows do not linger in the file.
  db.pragma('secure_delete = ON');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let i = version; i < MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[i] as string);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
}

/**
 * Copies freed, zeroed pages back into the main file and empties the WAL, so
 * older page images of deleted rows vanish from the WAL file too.
 */
export function truncateWal(db: Database.Database): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}
