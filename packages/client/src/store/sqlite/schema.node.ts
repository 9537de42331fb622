/**
 * The client's SQLite file: pragmas and numbered migrations. In the clear
 * sit only random ids, HMAC tags and the deadlines of unexpired messages
 * (so a reaper can shred them without the passphrase); every other byte is
 * sealed (../sealed-store.ts). Tables are WITHOUT ROWID: a rowid counts the
 * rows ever inserted, so its gaps would count expired messages.
 *
 * user_version 1–2 is a v1 profile (clear order numbers, a timed `seen`
 * table): sqlite-rows.node.ts reads it once and replaces it with the v2
 * tables (`V2_TABLES`), which needs the data key and so runs after opening.
 */
import type Database from 'better-sqlite3';
import { ClientError } from '../../errors.js';

/** The schema of v2 profiles (user_version 3). */
export const V2_VERSION = 3;

export const V2_TABLES = `
  CREATE TABLE records (tag BLOB PRIMARY KEY, ns BLOB NOT NULL, value BLOB NOT NULL) WITHOUT ROWID;
  CREATE INDEX records_ns ON records (ns);
  CREATE TABLE messages (
    id TEXT PRIMARY KEY, conv BLOB NOT NULL, expires_at INTEGER, body BLOB NOT NULL) WITHOUT ROWID;
  CREATE INDEX messages_conv ON messages (conv);
  CREATE INDEX messages_expiry ON messages (expires_at) WHERE expires_at IS NOT NULL;
  CREATE TABLE message_keys (id TEXT PRIMARY KEY, key BLOB NOT NULL) WITHOUT ROWID;
  CREATE TABLE outbox (id TEXT PRIMARY KEY, body BLOB NOT NULL) WITHOUT ROWID;`;

const V1_MIGRATIONS: readonly string[] = [
  // 001-init (v1)
  `CREATE TABLE records (tag BLOB PRIMARY KEY, ns BLOB NOT NULL, value BLOB NOT NULL);
   CREATE INDEX records_ns ON records (ns);
   CREATE TABLE messages (
     id TEXT PRIMARY KEY, conv BLOB NOT NULL, seq INTEGER NOT NULL,
     expires_at INTEGER, body BLOB NOT NULL);
   CREATE INDEX messages_conv ON messages (conv, seq);
   CREATE INDEX messages_expiry ON messages (expires_at) WHERE expires_at IS NOT NULL;
   CREATE TABLE message_keys (id TEXT PRIMARY KEY, key BLOB NOT NULL);
   CREATE TABLE outbox (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, body BLOB NOT NULL);
   CREATE TABLE seen (tag BLOB PRIMARY KEY, at INTEGER NOT NULL);`,
  // 002-seq-index (v1)
  'CREATE INDEX messages_seq ON messages (seq);',
];

/** Sets the pragmas every connection needs and creates (or finishes migrating) the keyless schema. */
export function prepareDatabase(db: Database.Database): void {
  // Zero freed pages, so deleted rows do not linger in the file.
  db.pragma('secure_delete = ON');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === 0) {
    // Freed pages go back to the file system: the file does not keep the high-water mark of past traffic.
    db.pragma('auto_vacuum = FULL');
  }
  db.pragma('journal_mode = WAL');
  // FULL, not NORMAL, on purpose: every live commit is followed at once by something that leaves the
  // device — the ack that lets the server delete a received envelope, or ciphertext made with the chain
  // key the commit advanced. With NORMAL a power cut can roll back a WAL commit that was already acted
  // on: an acked message would be lost for good, or a chain key used again for different plaintext.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  if (version > V2_VERSION) {
    throw new ClientError(
      'StoreCorrupt',
      'this profile was written by a newer tacet: update tacet to open it',
    );
  }
  if (version === 0) {
    db.transaction(() => {
      db.exec(`CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;${V2_TABLES}`);
      db.pragma(`user_version = ${V2_VERSION}`);
    })();
    return;
  }
  for (let i = version; i < V1_MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(V1_MIGRATIONS[i] as string);
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
