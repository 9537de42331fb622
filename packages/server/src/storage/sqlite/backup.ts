/**
 * Backup and restore of the embedded SQLite database. A backup uses
 * SQLite's online backup API, so it runs while a server serves and copies
 * one consistent state: every message acknowledged to a sender before the
 * backup began is in it. A restore refuses to run under a live server and
 * checks the file before it replaces anything.
 */
import { renameSync, rmSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE, openDatabase } from './database.js';
import { runningServerPid } from './pid-file.js';

/** A backup or restore that cannot proceed; the message says why and what to do. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

/** Opens `file` read-only and checks that it is an intact tacet database. */
function checkDatabase(file: string): void {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const ok = db.pragma('integrity_check', { simple: true });
    if (ok !== 'ok') throw new BackupError(`${file} is damaged (integrity check: ${String(ok)})`);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    for (const t of ['schema_migrations', 'accounts', 'devices', 'envelopes'])
      if (!tables.includes(t)) throw new BackupError(`${file} is not a tacet database (no ${t} table)`);
  } catch (e) {
    if (e instanceof BackupError) throw e;
    throw new BackupError(`${file} is not a readable SQLite database: ${(e as Error).message}`);
  } finally {
    db?.close();
  }
}

/**
 * Writes a consistent copy of `dataDir`'s database to `outFile` (mode 0600), while a server may run.
 * @example await backupSqlite('/var/lib/tacet', '/var/backups/tacet-2026-12-02.sqlite')
 */
export async function backupSqlite(dataDir: string, outFile: string): Promise<void> {
  const source = join(dataDir, DATABASE_FILE);
  let db: Database.Database;
  try {
    db = new Database(source, { fileMustExist: true });
  } catch {
    throw new BackupError(`no tacet database in ${dataDir} (looked for ${DATABASE_FILE})`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(outFile);
  } finally {
    db.close();
  }
  await chmod(outFile, 0o600);
  checkDatabase(outFile);
}

/**
 * Replaces `dataDir`'s database with the backup `file`, after checking it; the server must be stopped.
 * @example await restoreSqlite('/var/backups/tacet-2026-12-02.sqlite', '/var/lib/tacet')
 */
export async function restoreSqlite(file: string, dataDir: string): Promise<void> {
  const pid = runningServerPid(dataDir);
  if (pid !== undefined)
    throw new BackupError(`a tacet server (pid ${pid}) is using ${dataDir}; stop it, then restore`);
  checkDatabase(file);
  const target = join(dataDir, DATABASE_FILE);
  const staging = `${target}.restoring`;
  // Copy through SQLite (not a file copy) so the result is complete and its own WAL is folded in.
  const backup = new Database(resolve(file), { readonly: true, fileMustExist: true });
  try {
    openDatabase(dataDir).close(); // creates the directory with its permissions if missing
    await backup.backup(staging);
  } finally {
    backup.close();
  }
  await chmod(staging, 0o600);
  for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
  renameSync(staging, target);
  openDatabase(dataDir).close(); // applies any newer migrations and proves the result opens
}
