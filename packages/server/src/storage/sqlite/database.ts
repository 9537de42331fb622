/**
 * Opens the SQLite database of a data directory: WAL with synchronous=NORMAL
 * (COMMIT does not wait for the disk; the group committer makes each commit
 * survive a power cut by syncing the WAL off the event loop before anyone is
 * told, see wal-sync.ts; checkpoints still sync the WAL and the database
 * themselves), secure_delete=ON (deleted envelopes are overwritten, not left in free
 * pages), foreign keys for cascading account deletion; then migrates.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations/index.js';

/** The driver handle (better-sqlite3). */
export type SqliteDatabase = Database.Database;

/** File name of the database inside the data directory. */
export const DATABASE_FILE = 'tacet.sqlite';

/** Opens (creating if needed) and migrates `dataDir/tacet.sqlite`. */
export function openDatabase(dataDir: string): SqliteDatabase {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, DATABASE_FILE));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('secure_delete = ON');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function migrate(db: SqliteDatabase): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.up);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      );
    })();
  }
}
