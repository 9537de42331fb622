/**
 * Keeps fault tests that restart PostgreSQL or Redis from pulling the
 * service out from under other test processes (Vitest runs files in
 * parallel, and several checkouts may test on one machine). Users leave a
 * marker file while they rely on the services. A restarting test waits until
 * no other process's user marker remains, then leaves an "active" marker for
 * the restart's duration; users arriving meanwhile wait for it to go. Users
 * never wait while holding a marker for a restart that has not started, so
 * the two cannot wait on each other. Markers of dead processes are ignored,
 * and every wait is bounded.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DIR = join(tmpdir(), 'tacet-service-guard');
/** Longest a user waits for a restart to end. */
const USER_WAIT_MS = 30_000;
/** Longest a restart waits for other users to finish before going ahead anyway. */
const RESTART_WAIT_MS = 45_000;

type Kind = 'user' | 'active';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Live markers of `kind` held by processes other than this one. */
function others(kind: Kind): string[] {
  let names: string[];
  try {
    names = readdirSync(DIR);
  } catch {
    return [];
  }
  return names.filter((n) => {
    const [k, pid] = n.split('-');
    return k === kind && Number(pid) !== process.pid && alive(Number(pid));
  });
}

function mark(kind: Kind): () => void {
  mkdirSync(DIR, { recursive: true });
  const file = join(DIR, `${kind}-${process.pid}-${randomBytes(4).toString('hex')}`);
  writeFileSync(file, '');
  return () => rmSync(file, { force: true });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  for (;;) {
    while (others('user').length > 0 && Date.now() < deadline) await sleep(100);
    const release = mark('active');
    // A user may have arrived between the check and the marker: let it finish first.
    if (others('user').length === 0 || Date.now() > deadline) return release;
    release();
  }
}
