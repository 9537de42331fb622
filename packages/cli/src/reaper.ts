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

const PID_FILE = 'reaper.pid';

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

/** The reaper's loop: shred what is due, sleep until the next deadline, stop when none is left. */
export async function runReaper(dir: string): Promise<void> {
  writeFileSync(join(dir, PID_FILE), String(process.pid), { mode: 0o600 });
  const db = new Database(join(dir, STORE_FILE), { fileMustExist: true });
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  try {
    for (;;) {
      shredExpired(db, Date.now());
      const row = db
        .prepare('SELECT MIN(expires_at) AS t FROM messages WHERE expires_at IS NOT NULL')
        .get() as {
        t: number | null;
      };
      if (row.t === null) return;
      await new Promise((r) =>
        setTimeout(r, Math.min(Math.max(0, (row.t as number) - Date.now()), 3600_000)),
      );
    }
  } finally {
    db.close();
    rmSync(join(dir, PID_FILE), { force: true });
  }
}
