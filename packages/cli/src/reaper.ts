/**
 * The reaper: a small detached process that keeps the promise "expired
 * messages leave the disk within a second" after a one-shot command (send,
 * receive) has exited. It needs no passphrase: deadlines are stored in the
 * clear, and shredding deletes the per-message key and row without reading
 * them. It exits when nothing is left to expire. One per profile (pid file).
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STORE_FILE, shredExpired } from '@tacet/client/node';
import Database from 'better-sqlite3';

export const PID_FILE = 'reaper.pid';
/** Longest nap between looks at the deadlines: keeps expiry within a second of any deadline. */
const POLL_MS = 500;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts a reaper for `dir` unless one is already running. */
export function ensureReaper(dir: string): void {
  try {
    const pid = Number(readFileSync(join(dir, PID_FILE), 'utf8'));
    if (pid > 0 && alive(pid)) return;
  } catch {
    // no pid file: start one
  }
  const here = fileURLToPath(import.meta.url);
  const bin = join(dirname(here), here.endsWith('.ts') ? 'bin.ts' : 'bin.js');
  const child = spawn(process.execPath, [...process.execArgv, bin, '--profile', dir, 'reap'], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
}

/** The reaper's loop: shred what is due, nap, stop when nothing is left to expire. */
export async function runReaper(dir: string): Promise<void> {
  const pidFile = join(dir, PID_FILE);
  const db = new Database(join(dir, STORE_FILE), { fileMustExist: true });
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  const next = () =>
    (
      db.prepare('SELECT MIN(expires_at) AS t FROM messages WHERE expires_at IS NOT NULL').get() as {
        t: number | null;
      }
    ).t;
  try {
    for (;;) {
      writeFileSync(pidFile, String(process.pid), { mode: 0o600 });
      for (let t = next(); t !== null; t = next()) {
        shredExpired(db, Date.now());
        // Short naps: a later command may have stored an earlier deadline than this one.
        await new Promise((r) => setTimeout(r, Math.min(Math.max(0, t - Date.now()), POLL_MS)));
      }
      // Give up the pid file, then look once more: a command that saw it a moment ago started no reaper.
      rmSync(pidFile, { force: true });
      if (next() === null) return;
    }
  } finally {
    db.close();
  }
}
