/**
 * The SQLite storage's durability promise with commits that do not wait for
 * the disk (synchronous=NORMAL): a write resolves, and a delivery may read
 * its envelope, only after a WAL sync that started after its COMMIT. The
 * disk sync is held here by the test, so the window in which the row is
 * committed but not yet on disk is observed, not guessed at with a clock.
 */
import { randomBytes } from 'node:crypto';
import { fdatasync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openSqliteStorage } from '../../src/storage/sqlite/index.js';
import { StorageSyncError, type SyncFile } from '../../src/storage/sqlite/wal-sync.js';
import type { Storage } from '../../src/storage/storage.js';

const id16 = () => new Uint8Array(randomBytes(16));

/** A disk whose syncs the test lets through one at a time (or all, while `holding` is false). */
class HeldDisk {
  holding = false;
  /** Errors the next held sync reports instead of syncing. */
  failNext: NodeJS.ErrnoException | undefined;
  readonly requested: (() => void)[] = [];
  private waiters: (() => void)[] = [];

  readonly syncFile: SyncFile = (fd, done) => {
    if (!this.holding) return fdatasync(fd, done);
    this.requested.push(() => {
      const err = this.failNext;
      this.failNext = undefined;
      if (err) done(err);
      else fdatasync(fd, done);
    });
    for (const w of this.waiters.splice(0)) w();
  };

  /** Resolves once `n` syncs have been requested in total while holding. */
  async untilRequested(n: number): Promise<void> {
    while (this.requested.length < n) await new Promise<void>((r) => this.waiters.push(r));
  }

  private released = new Set<number>();

  /** Lets the `i`-th held sync run (once). */
  release(i: number): void {
    if (this.released.has(i)) return;
    this.released.add(i);
    (this.requested[i] as () => void)();
  }
}

/** Settles to a label so a test can see whether a promise is still pending. */
function state(p: Promise<unknown>): () => 'pending' | 'resolved' | 'rejected' {
  let s: 'pending' | 'resolved' | 'rejected' = 'pending';
  p.then(
    () => {
      s = 'resolved';
    },
    () => {
      s = 'rejected';
    },
  );
  return () => s;
}

describe('sqlite: commits reach the disk before anyone is told', () => {
  let dir: string;
  let storage: Storage;
  let disk: HeldDisk;

  async function open(): Promise<void> {
    dir = mkdtempSync(join(tmpdir(), 'tacet-walsync-'));
    disk = new HeldDisk();
    storage = await openSqliteStorage(dir, { syncFile: disk.syncFile });
  }

  afterEach(async () => {
    // Let every held sync through, so close() can wait for them.
    disk.holding = false;
    for (let i = 0; i < disk.requested.length; i++) disk.release(i);
    await storage.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  async function account(): Promise<Uint8Array> {
    const accountId = id16();
    await storage.accounts.createAccount({
      accountId,
      credentialHash: id16(),
      registrationId: 1,
      createdAt: 1,
    });
    return accountId;
  }

  const send = (to: Uint8Array) => ({
    id: id16(),
    serverTimestamp: Date.now(),
    expiresAt: Date.now() + 60_000,
    copies: [{ accountId: to, deviceId: 1, content: id16() }],
  });

  /** Envelopes in the database file as another connection sees them (committed, synced or not). */
  function committedRows(): number {
    const other = new Database(join(dir, DATABASE_FILE), { readonly: true });
    try {
      return other.prepare('SELECT count(*) FROM envelopes').pluck().get() as number;
    } finally {
      other.close();
    }
  }

  const fetchAll = (to: Uint8Array) => storage.queue.fetch(to, 1, 0, 100, Date.now());

  it('an enqueue resolves, and its envelope is delivered, only after its WAL sync ends', async () => {
    await open();
    const bob = await account();
    disk.holding = true;
    const sent = storage.queue.enqueue(send(bob), 100);
    const sentState = state(sent);
    await disk.untilRequested(1);
    // Committed (another connection reads it), but the disk has not confirmed it.
    expect(committedRows()).toBe(1);
    expect(sentState()).toBe('pending');
    expect(await fetchAll(bob)).toEqual([]);
    disk.release(0);
    expect(await sent).toEqual({ ok: true, stored: 1 });
    expect(await fetchAll(bob)).toHaveLength(1);
  });

  it('a write made while a sync runs waits for the next sync, which serves every write queued meanwhile', async () => {
    await open();
    const bob = await account();
    disk.holding = true;
    const first = storage.queue.enqueue(send(bob), 100);
    await disk.untilRequested(1);
    const later = Array.from({ length: 20 }, () => storage.queue.enqueue(send(bob), 100));
    const laterStates = later.map(state);
    disk.release(0);
    await first;
    await disk.untilRequested(2);
    // The first sync started before these commits, so it cannot have made them durable.
    expect(laterStates.map((s) => s())).toEqual(later.map(() => 'pending'));
    expect(await fetchAll(bob)).toHaveLength(1);
    disk.release(1);
    expect(await Promise.all(later)).toEqual(later.map(() => ({ ok: true, stored: 1 })));
    // One sync served all twenty.
    expect(disk.requested).toHaveLength(2);
    expect(await fetchAll(bob)).toHaveLength(21);
  });

  it('a failed sync fails its writes, hides their rows and refuses every later write with a plain reason', async () => {
    await open();
    const bob = await account();
    disk.holding = true;
    disk.failNext = Object.assign(new Error('input/output error'), { code: 'EIO' });
    const sent = storage.queue.enqueue(send(bob), 100);
    await disk.untilRequested(1);
    disk.release(0);
    await expect(sent).rejects.toBeInstanceOf(StorageSyncError);
    await expect(sent).rejects.toThrow(/disk did not confirm a write \(EIO\)/);
    expect(await fetchAll(bob)).toEqual([]);
    await expect(storage.queue.enqueue(send(bob), 100)).rejects.toBeInstanceOf(StorageSyncError);
    await expect(account()).rejects.toBeInstanceOf(StorageSyncError);
    await expect(storage.ping()).rejects.toBeInstanceOf(StorageSyncError);
  });

  it('close waits for the running sync and commits what was queued', async () => {
    await open();
    const bob = await account();
    disk.holding = true;
    const first = storage.queue.enqueue(send(bob), 100);
    await disk.untilRequested(1);
    const queued = storage.queue.enqueue(send(bob), 100);
    const closed = storage.close();
    disk.release(0);
    await disk.untilRequested(2);
    disk.release(1);
    await closed;
    expect(await first).toEqual({ ok: true, stored: 1 });
    expect(await queued).toEqual({ ok: true, stored: 1 });
    storage = await openSqliteStorage(dir);
    expect(await fetchAll(bob)).toHaveLength(2);
  });
});
