/**
 * Truncates the SQLite WAL soon after deletions. The WAL keeps the pages a
 * transaction wrote, so an acked or expired envelope stays readable in
 * `tacet.sqlite-wal` until a checkpoint folds the WAL back into the database
 * (where secure_delete has zeroed it) and truncates the file. Checkpoints are
 * coalesced to at most one per delay and run on a timer, never on the commit
 * path, and never while a WAL sync runs on the thread pool (the checkpoint
 * would sync the same file and stall the event loop behind it); one blocked
 * by a reader (busy=1) is retried later.
 */
import type { SqliteDatabase } from './database.js';

/** Result row of `PRAGMA wal_checkpoint`. */
interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

/** Default wait between a deletion and its checkpoint, in milliseconds. */
export const WAL_TRUNCATE_DELAY_MS = 500;

export class WalTruncator {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly db: SqliteDatabase,
    /** Runs its argument once no WAL sync is in flight. */
    private readonly whenSyncIdle: (run: () => void) => void = (run) => run(),
    private readonly delayMs = WAL_TRUNCATE_DELAY_MS,
  ) {}

  /** Asks for a checkpoint within `delayMs`; calls while one is pending coalesce. */
  schedule(): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = setTimeout(() => this.whenSyncIdle(() => this.run()), this.delayMs);
    // A pending checkpoint must not keep the process alive; close() does a final one.
    this.timer.unref();
  }

  /** Cancels any pending checkpoint (the caller checkpoints on close itself). */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    this.timer = undefined;
    if (this.closed || !this.db.open) return;
    if (this.db.inTransaction || !this.checkpoint()) this.schedule();
  }

  /** One TRUNCATE checkpoint without waiting on locks; true when it completed. */
  private checkpoint(): boolean {
    // busy_timeout would make a blocked checkpoint stall the event loop; fail fast instead.
    const timeout = this.db.pragma('busy_timeout', { simple: true }) as number;
    this.db.pragma('busy_timeout = 0');
    try {
      const [row] = this.db.pragma('wal_checkpoint(TRUNCATE)') as CheckpointRow[];
      return row !== undefined && row.busy === 0;
    } catch {
      // SQLITE_BUSY/LOCKED or a transient I/O error: a timer must not crash the server; retry.
      return false;
    } finally {
      this.db.pragma(`busy_timeout = ${timeout}`);
    }
  }
}
