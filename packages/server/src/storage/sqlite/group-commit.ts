/**
 * Group commit for SQLite: writes queued while the disk syncs the previous
 * group run together in one transaction, and share one WAL sync instead of
 * paying one each. Each operation runs inside its own savepoint, so one that
 * throws is rolled back alone while the others commit. A promise resolves
 * only after a WAL sync that started after its COMMIT (see wal-sync.ts):
 * COMMIT itself does not wait for the disk (synchronous=NORMAL), the sync
 * runs off the event loop.
 *
 * A group is committed only when no sync runs: a commit made during a sync
 * would wait for the next sync anyway, so holding it back costs no latency
 * and makes one transaction (one set of WAL frames) out of many.
 */
import type { SqliteDatabase } from './database.js';
import type { WalSync } from './wal-sync.js';

interface Pending {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** Operations per transaction; the rest wait for the next sync. */
const MAX_BATCH = 1000;

export class GroupCommitter {
  private pending: Pending[] = [];
  private scheduled = false;
  private closed = false;
  /** Callers of exclusive() running now; no group commits while it is above zero. */
  private held = 0;
  private readonly begin;
  private readonly commit;
  private readonly rollback;
  private readonly savepoint;
  private readonly release;
  private readonly rollbackTo;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly wal: WalSync,
    private readonly onCommit: (batchSize: number) => void = () => {},
  ) {
    wal.onIdle = () => this.schedule();
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT op');
    this.release = db.prepare('RELEASE op');
    this.rollbackTo = db.prepare('ROLLBACK TO op');
  }

  /** Set once the disk failed a sync; every write is refused from then on. */
  get failed(): Error | undefined {
    return this.wal.failed;
  }

  /** Runs `op` (synchronous SQL) in the next shared transaction; resolves once it is on disk. */
  run<T>(op: () => T): Promise<T> {
    const refusal = this.closed ? new Error('storage is closed') : this.wal.failed;
    if (refusal) return Promise.reject(refusal);
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run: op, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /**
   * Runs `work` (asynchronous, e.g. a checkpoint on another connection) once
   * no WAL sync runs, with no group committed until it settles: writes queue
   * meanwhile, so the main connection never waits for a lock on the event loop.
   */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.held++;
    try {
      await new Promise<void>((resolve) => this.wal.whenIdle(resolve));
      return await work();
    } finally {
      this.held--;
      this.schedule();
    }
  }

  /** Commits on the next turn, unless a sync runs (its end calls this again) or exclusive() holds. */
  private schedule(): void {
    if (this.scheduled || this.pending.length === 0 || this.wal.busy || this.held > 0) return;
    this.scheduled = true;
    setImmediate(() => this.commitNext());
  }

  private commitNext(): void {
    this.scheduled = false;
    if (this.wal.busy || this.held > 0) return;
    const failure = this.wal.failed;
    if (failure) {
      for (const op of this.pending.splice(0)) op.reject(failure);
      return;
    }
    this.runBatch(this.pending.splice(0, MAX_BATCH));
    // The rest go after this batch's sync, whose end schedules them (or now, if the batch rolled back).
    this.schedule();
  }

  /** Refuses new operations, commits the queued ones and waits until they are on disk. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.pending.length > 0) this.runBatch(this.pending.splice(0, MAX_BATCH));
    await this.wal.close();
  }

  private runBatch(batch: Pending[]): void {
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.begin.run();
      for (const op of batch) outcomes.push(this.runOne(op));
      this.commit.run();
    } catch (err) {
      if (this.db.inTransaction) this.rollback.run();
      for (const op of batch) op.reject(err);
      return;
    }
    this.onCommit(batch.length);
    this.wal.afterCommit((syncFailure) =>
      batch.forEach((op, i) => {
        const outcome = outcomes[i] as { ok: boolean; value: unknown };
        if (syncFailure) op.reject(syncFailure);
        else if (outcome.ok) op.resolve(outcome.value);
        else op.reject(outcome.value);
      }),
    );
  }

  private runOne(op: Pending): { ok: boolean; value: unknown } {
    this.savepoint.run();
    try {
      const value = op.run();
      this.release.run();
      return { ok: true, value };
    } catch (err) {
      this.rollbackTo.run();
      this.release.run();
      return { ok: false, value: err };
    }
  }
}
