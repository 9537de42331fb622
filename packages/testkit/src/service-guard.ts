/**
 * Keeps fault tests that restart PostgreSQL or Redis from pulling the
 * service out from under other test processes (Vitest runs files in
 * parallel, and several checkouts may test on one machine). Users leave a
 * marker file while they rely on the services. A restarting test waits until
 * no other process's user marker remains, then leaves an "active" marker for
 * the restart's duration; users arriving meanwhile wait for it to go. Users
 * never wait while holding a marker for a restart that has not started, so
 * the two cannot wait on each other. Restarts take turns through a lock
 * file, and a restart does not wait for the users of a process that is
 * itself queued for the lock (it would wait for us). Markers and locks of
 * dead processes are ignored, and every wait is bounded.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DIR = join(tmpdir(), 'tacet-service-guard');
/** Longest a user waits for a restart to end. */
const USER_WAIT_MS = 30_000;
/** Longest a restart waits for other users to finish before going ahead anyway. */
const RESTART_WAIT_MS = 45_000;

type Kind = 'user' | 'active' | 'waiting';
const LOCK = join(DIR, 'restart.lock');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Live markers of `kind` held by processes other than this one (and not in `exceptPids`). */
function others(kind: Kind, exceptPids: ReadonlySet<number> = new Set()): string[] {
  let names: string[];
  try {
    names = readdirSync(DIR);
  } catch {
    return [];
  }
  return names.filter((n) => {
    const [k, p] = n.split('-');
    const pid = Number(p);
    return k === kind && pid !== process.pid && !exceptPids.has(pid) && alive(pid);
  });
}

/** Pids of other processes queued for the restart lock. */
function waitingPids(): Set<number> {
  return new Set(others('waiting').map((n) => Number(n.split('-')[1])));
}

/** Takes the restart lock (a file created exclusively); a dead holder's lock is broken. */
async function lock(deadline: number): Promise<() => void> {
  mkdirSync(DIR, { recursive: true });
  for (;;) {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      return () => {
        if (readFileSync(LOCK, 'utf8') === String(process.pid)) rmSync(LOCK, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = 0;
    try {
      holder = Number(readFileSync(LOCK, 'utf8'));
    } catch {
      continue;
    }
    if (!alive(holder)) rmSync(LOCK, { force: true });
    else if (Date.now() > deadline) return () => {};
    else await sleep(100);
  }
}

function mark(kind: Kind): () => void {
  mkdirSync(DIR, { recursive: true });
  const file = join(DIR, `${kind}-${process.pid}-${randomBytes(4).toString('hex')}`);
  writeFileSync(file, '');
  return () => rmSync(file, { force: true });
}

/**
 * Declares that this process relies on PostgreSQL and Redis staying up;
 * waits while another process is restarting one. Call the result when done.
 * @example const release = await useServices(); try { ... } finally { release(); }
 */
export async function useServices(): Promise<() => void> {
  const deadline = Date.now() + USER_WAIT_MS;
  for (;;) {
    const release = mark('user');
    if (others('active').length === 0 || Date.now() > deadline) return release;
    release();
    await sleep(100);
  }
}

/**
 * For a fault test about to restart a service: waits until other processes
 * are done with the services, then marks the restart active. Call the
 * result after the service is back.
 */
export async function reserveServicesForRestart(): Promise<() => void> {
  const deadline = Date.now() + RESTART_WAIT_MS;
  const queued = mark('waiting');
  const unlock = await lock(deadline);
  queued();
  for (;;) {
    while (others('user', waitingPids()).length > 0 && Date.now() < deadline) await sleep(100);
    const release = mark('active');
    // A user may have arrived between the check and the marker: let it finish first.
    if (others('user', waitingPids()).length === 0 || Date.now() > deadline) {
      return () => {
        release();
        unlock();
      };
    }
    release();
  }
}
