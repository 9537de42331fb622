/**
 * `tacet.pid` in the data directory while a server has the database open,
 * so a restore can refuse to replace a database under a running server
 * (which would keep writing to the old file and lose the restored one).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PID_FILE = 'tacet.pid';

/** Claims the data directory for this process, unless a live process (a running server) already has. */
export function writePidFile(dataDir: string): void {
  if (runningServerPid(dataDir) !== undefined) return;
  writeFileSync(join(dataDir, PID_FILE), `${process.pid}\n`, { mode: 0o600 });
}

/** Removes the file if it is this process's. */
export function removePidFile(dataDir: string): void {
  if (runningServerPid(dataDir) === process.pid) rmSync(join(dataDir, PID_FILE), { force: true });
}

/** The pid of a live process that holds the database of `dataDir`, if any (a stale file is ignored). */
export function runningServerPid(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, PID_FILE), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}
