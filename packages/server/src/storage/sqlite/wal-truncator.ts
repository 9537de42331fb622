/**
 * Keeps the SQLite WAL small and free of deleted data. The WAL keeps the
 * pages a transaction wrote, so an acked or expired envelope stays readable
 * in `tacet.sqlite-wal` until a checkpoint folds the WAL back into the
 * database (where secure_delete has zeroed it) and its frames are
 * overwritten or cut from the file. Automatic checkpoints are off on the
 * main connection, so this also bounds the WAL: a commit that leaves it
 * above the limit (WAL_LIMIT_BYTES unless told otherwise) asks for a
 * checkpoint at once.
 *
 * Checkpoints run on the checkpointer's worker thread, never on the event
 * loop. Each is a PASSIVE one (most of the copying and the database fsync,
 * while writes go on) followed by a RECYCLE with commits held (the main
 * connection then never waits on the loop for a lock the worker holds, and
 * no WAL sync runs on the file being cut): it cuts the frames of the
 * generation before and restarts the log, so the next one overwrites this
 * one's blocks instead of SQLite's TRUNCATE freeing them all while commits
 * wait (see wal-checkpointer.ts). The generation it restarted goes at the
 * next RECYCLE, asked for after the same delay, so a deletion leaves the
 * file within two delays (2 x 250 ms; one TRUNCATE 500 ms after it before).
 * The worker writes the new generation's first frame, so the header fsync
 * SQLite does at a WAL's first commit runs on its thread too. Checkpoints
 * are coalesced to at most one per delay; one blocked by a reader (busy=1)
 * is retried later.
 */
import type { CheckpointResult, WalCheckpointer } from './wal-checkpointer.js';

/** Default wait between a deletion and its checkpoint, and between a checkpoint and the next that clears its generation, in milliseconds. */
export const WAL_TRUNCATE_DELAY_MS = 250;

/**
 * WAL size that asks for a checkpoint at once. Under traffic with acks the
 * deletion delay already checkpoints every ~500 ms; the limit is for writes
 * nothing deletes (recipients offline). Every checkpoint holds commits for
 * its TRUNCATE (2–25 ms measured), and one send writes ~11 KiB of WAL at
 * 2,000/s (each small commit rewrites its table and index pages), so
 * SQLite's own 4 MiB (1000 pages) asked for 5–6 checkpoints a second there,
 * three times what the deletions ask for.
 */
export const WAL_LIMIT_BYTES = 32 * 1024 * 1024;

/** Shortest time between two reads of the WAL's size after commits, in milliseconds. */
const SIZE_CHECK_INTERVAL_MS = 5;

/** Runs `work` with no commit and no WAL sync happening meanwhile (GroupCommitter.exclusive). */
export type Exclusive = (work: () => Promise<CheckpointResult>) => Promise<CheckpointResult>;

export class WalTruncator {
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;
  private closed = false;
  private running: Promise<void> | undefined;
  /** A checkpoint was asked for while one ran; it starts when that one ends. */
  private again = false;
  /** When committed() last read the WAL's size (performance.now()). */
  private sizeCheckedAt = Number.NEGATIVE_INFINITY;
  /** The WAL file's size after the last RECYCLE: the next generation overwrites up to there before the file grows. */
  private recycledBytes = 0;

  constructor(
    private readonly checkpointer: WalCheckpointer,
    private readonly exclusive: Exclusive,
    /** Current size of the WAL file in bytes. */
    private readonly walBytes: () => number,
    private readonly delayMs = WAL_TRUNCATE_DELAY_MS,
    private readonly limitBytes = WAL_LIMIT_BYTES,
  ) {}

  /** Asks for a checkpoint within `delayMs`; calls while one is pending coalesce. */
  schedule(delayMs = this.delayMs): void {
    if (this.closed || this.checkpointer.failed) return;
    const due = Date.now() + delayMs;
    if (this.timer !== undefined) {
      if (due >= this.timerDue) return;
      clearTimeout(this.timer);
    }
    this.timerDue = due;
    this.timer = setTimeout(() => this.start(), delayMs);
    // A pending checkpoint must not keep the process alive; close() does a final one.
    this.timer.unref();
  }

  /**
   * Called after each commit: a WAL above the limit is checkpointed now
   * rather than after the delay. The size is read at most every
   * SIZE_CHECK_INTERVAL_MS (an fstat and a Stats object per commit were
   * ~800 bytes of garbage per send at low rates); what the WAL grows
   * between two reads is a few hundred KiB at most, against a limit of MiBs.
   */
  committed(): void {
    if (this.running !== undefined) return;
    const now = performance.now();
    if (now - this.sizeCheckedAt < SIZE_CHECK_INTERVAL_MS) return;
    this.sizeCheckedAt = now;
    const bytes = this.walBytes();
    if (bytes > this.limitBytes && bytes > this.recycledBytes) this.schedule(0);
  }

  /** Cancels any pending checkpoint and waits for a running one (the caller checkpoints on close itself). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private start(): void {
    this.timer = undefined;
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    });
  }

  private async run(): Promise<void> {
    try {
      await this.checkpointer.checkpoint('PASSIVE');
      const row = await this.exclusive(() => this.checkpointer.checkpoint('RECYCLE'));
      if (row.busy !== 0) this.again = true;
      else {
        this.recycledBytes = row.walBytes ?? 0;
        // Its frames stay in the file until the next RECYCLE overwrites or cuts them (one is the new generation's own first frame).
        if (row.log > 1) this.again = true;
      }
    } catch {
      // The checkpointer keeps the failure: ping() reports it (/healthz 503) and schedule() stops asking.
    }
  }
}
