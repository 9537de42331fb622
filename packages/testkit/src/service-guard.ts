/**
 * Keeps fault tests that restart PostgreSQL or Redis from pulling the
 * service out from under other test files running at the same time (Vitest
 * runs files in parallel processes). Users leave a marker file while they
 * rely on the services; a restarting test leaves a restart marker, waits
 * until no other process's marker remains, and new users wait while a
 * restart marker exists. Markers of dead processes are ignored.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DIR = join(tmpdir(), 'tacet-service-guard');
/** Longest a restart waits for other users, and a user for a restart, before going ahead. */
const WAIT_LIMIT_MS = 120_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Live markers of `kind` held by processes other than this one. */
function others(kind: 'user' | 'restart'): string[] {
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

function mark(kind: 'user' | 'restart'): () => void {
  mkdirSync(DIR, { recursive: true });
  const file = join(DIR, `${kind}-${process.pid}-${randomBytes(4).toString('hex')}`);
  writeFileSync(file, '');
  return () => rmSync(file, { force: true });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Declares that this process relies on PostgreSQL and Redis staying up;
 * waits while another process restarts one. Call the result when done.
 * @example const release = await useServices(); try { ... } finally { release(); }
 */
export async function useServices(): Promise<() => void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const release = mark('user');
    if (others('restart').length === 0 || Date.now() > deadline) return release;
    release();
    await sleep(100);
  }
}

/**
 * For a fault test about to restart a service: blocks new users and waits
 * until other processes' users are done. Call the result after the service
 * is back.
 */
export async function reserveServicesForRestart(): Promise<() => void> {
  const release = mark('restart');
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (others('user').length > 0 && Date.now() < deadline) await sleep(100);
  return release;
}
