/**
 * Makes SQLite commits durable off the event loop. The database runs in WAL
 * mode with synchronous=NORMAL, so COMMIT only hands the WAL frames to the
 * OS and returns; this flushes the WAL file with fdatasync on libuv's thread
 * pool, so the event loop keeps serving during the 4–24 ms a disk sync
 * takes. One sync serves every commit made before it started; commits made
 * while one runs wait for the next one, which starts as soon as it ends.
 *
 * fsync acts on the file, not on the descriptor, so a read-only descriptor
 * of our own flushes the frames SQLite wrote through its own. SQLite keeps
 * the -wal file while its connection is open (a checkpoint may cut it, down
 * to zero bytes, but never replaces it), so the descriptor stays valid.
 */
import { closeSync, fdatasync, fdatasyncSync, fstatSync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** Flushes a file's data to disk and calls back (the shape of `fs.fdatasync`). */
export type SyncFile = (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;

/** The disk did not confirm a sync: what was committed since the last good one may be lost. */
export class StorageSyncError extends Error {
  override readonly name = 'StorageSyncError';
}

type Waiter = (err: Error | undefined) => void;

export class WalSync {
  private readonly fd: number;
  /** Commits made since the running sync started; the next sync serves them. */
  private waiting: Waiter[] = [];
  private syncing = false;
  private failure: StorageSyncError | undefined;
  private idle: (() => void)[] = [];
  /** Called whenever a sync ends with none queued (the committer then commits what waited). */
  onIdle: () => void = () => {};

  /**
   * Opens `walPath` (it must exist: open the database first). Syncs the
   * directory once, so a newly created WAL file cannot vanish whole, and the
   * WAL once, so rows a crashed process committed but never synced are on
   * disk before anyone reads them.
   */
  constructor(
    walPath: string,
    private readonly syncFile: SyncFile = fdatasync,
  ) {
    this.fd = openSync(walPath, 'r');
    try {
      syncDirectory(dirname(walPath));
      fdatasyncSync(this.fd);
    } catch (err) {
      closeSync(this.fd);
      throw err;
    }
  }

  /** True while a sync runs (a commit made now waits for the next one). */
  get busy(): boolean {
    return this.syncing;
  }

  /** Current size of the WAL file in bytes. */
  get bytes(): number {
    return fstatSync(this.fd).size;
  }

  /** Set once a sync failed; after that no write can be promised durable. */
  get failed(): StorageSyncError | undefined {
    return this.failure;
  }

  /** Calls `done` after a sync that started after this call ended, with an error if it failed. */
  afterCommit(done: Waiter): void {
    if (this.failure) {
      const failure = this.failure;
      queueMicrotask(() => done(failure));
      return;
    }
    this.waiting.push(done);
    if (!this.syncing) this.start();
  }

  /** Calls `run` once no sync runs: now, or when the running and queued ones have ended. */
  whenIdle(run: () => void): void {
    if (this.syncing) this.idle.push(run);
    else run();
  }

  /** Waits for the running and queued syncs, then closes the descriptor. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.whenIdle(resolve));
    closeSync(this.fd);
  }

  private start(): void {
    const served = this.waiting;
    this.waiting = [];
    this.syncing = true;
    this.syncFile(this.fd, (err) => {
      this.syncing = false;
      if (err && !this.failure)
        this.failure = new StorageSyncError(
          `the disk did not confirm a write (${err.code ?? err.message}); writes are refused until the server restarts on a healthy disk`,
        );
      for (const done of served) done(this.failure);
      if (this.waiting.length > 0 && !this.failure) return this.start();
      // Only after a failure: those commits cannot be promised either.
      for (const done of this.waiting.splice(0)) done(this.failure);
      for (const resolve of this.idle.splice(0)) resolve();
      this.onIdle();
    });
  }
}

/** fsyncs a directory, so the entries created in it survive a power cut. */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
