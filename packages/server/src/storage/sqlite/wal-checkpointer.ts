/**
 * Runs SQLite WAL checkpoints on a worker thread with its own connection to
 * the database file, so the database fsync a checkpoint ends with (7–80 ms on
 * a busy disk) no longer stalls the event loop. The main connection turns
 * automatic checkpoints off (database.ts); WalTruncator decides when to ask.
 * After a TRUNCATE the worker also starts the new WAL (the header and its
 * fsync), which the main connection's next COMMIT would otherwise do on the
 * event loop; the caller holds commits until it returns.
 *
 * The worker's source is inline (an eval worker) so the same code runs from
 * the TypeScript sources under the tests and from dist in production; the
 * driver is the one this module resolves, passed by path.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * PASSIVE and TRUNCATE are SQLite's. RECYCLE (commits held by the caller)
 * backfills what is left, cuts the WAL file at the end of its current
 * generation (frames beyond it are an older generation's, already in the
 * database), and restarts the log so the next generation overwrites this
 * one in place: the file keeps the blocks it has, where TRUNCATE frees them
 * all (ext4 took 2.3–2.8 ms to free a synced 8 MB WAL, most of a TRUNCATE's
 * 3–4.6 ms with commits held, against 0.03 ms for the restart alone), and
 * later syncs overwrite instead of allocating. This generation's frames go
 * at the next RECYCLE (overwritten, or cut), so the caller asks for one
 * after any that left frames behind.
 */
export type CheckpointMode = 'PASSIVE' | 'TRUNCATE' | 'RECYCLE';

/** Result row of `PRAGMA wal_checkpoint`: busy=1 when a reader or writer blocked it. */
export interface CheckpointResult {
  busy: number;
  /** Frames in the WAL's current generation (for RECYCLE: the generation just restarted, left in the file). */
  log: number;
  checkpointed: number;
  /** RECYCLE only: the WAL file's size once cut. */
  walBytes?: number;
}

/** The checkpoint worker failed: the WAL is no longer folded back, so it grows and keeps deleted data. */
export class CheckpointWorkerError extends Error {
  override readonly name = 'CheckpointWorkerError';
}

/** How long the worker waits for a reader before a TRUNCATE checkpoint reports busy (off the loop). */
const WORKER_BUSY_TIMEOUT_MS = 1000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { closeSync, fstatSync, ftruncateSync, openSync } = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = ${WORKER_BUSY_TIMEOUT_MS}');
db.pragma('synchronous = NORMAL');
// A WAL file: a 32-byte header, then frames of a 24-byte header and one page.
const frameBytes = db.pragma('page_size', { simple: true }) + 24;
function recycle() {
  const [passive] = db.pragma('wal_checkpoint(PASSIVE)');
  if (passive.busy !== 0 || passive.checkpointed !== passive.log) return { ...passive, busy: 1 };
  const end = passive.log === 0 ? 0 : 32 + passive.log * frameBytes;
  const fd = openSync(workerData.file + '-wal', 'r+');
  let walBytes;
  try {
    if (fstatSync(fd).size > end) ftruncateSync(fd, end);
    walBytes = fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
  const [row] = db.pragma('wal_checkpoint(RESTART)');
  return { ...row, log: passive.log, walBytes };
}
parentPort.on('message', (mode) => {
  if (mode === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [row] = mode === 'RECYCLE' ? [recycle()] : db.pragma('wal_checkpoint(' + mode + ')');
    // A truncated or restarted WAL gets a new header from its next writer, and SQLite fsyncs that header
    // inside the writer's COMMIT. Written here, by a one-page write (the header's user_version,
    // which tacet does not use), that fsync runs on this thread instead of the event loop.
    if (mode !== 'PASSIVE' && row.busy === 0) db.pragma('user_version = 0');
    parentPort.postMessage({ row });
  } catch (err) {
    parentPort.postMessage({ error: { code: err.code, message: err.message } });
  }
});
`;

/** SQLite result codes that mean "another connection holds a lock, try later", not a fault. */
const RETRYABLE = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED']);

type Reply = { row: CheckpointResult } | { error: { code?: string; message: string } };

export class WalCheckpointer {
  private readonly worker: Worker;
  /** Callers of checkpoint(), answered in order (the worker runs one at a time). */
  private readonly waiting: { resolve: (r: CheckpointResult) => void; reject: (e: Error) => void }[] = [];
  private failure: CheckpointWorkerError | undefined;
  private closing = false;
  private readonly exited: Promise<void>;

  constructor(databaseFile: string) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: databaseFile } });
    // An idle checkpointer must not keep the process alive; storage close() stops it.
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => this.answer(reply));
    this.worker.on('error', (err) => this.fail(err.message));
    this.exited = new Promise((resolve) =>
      this.worker.on('exit', (code) => {
        if (!this.closing) this.fail(`it exited with code ${code}`);
        resolve();
      }),
    );
  }

  /** Set once the worker failed; no checkpoint runs after that. */
  get failed(): CheckpointWorkerError | undefined {
    return this.failure;
  }

  /**
   * Runs one checkpoint on the worker. Resolves with its result (busy=1, or a
   * lock error, when another connection blocked it: retry later); rejects
   * with CheckpointWorkerError if the worker or the checkpoint failed.
   */
  checkpoint(mode: CheckpointMode): Promise<CheckpointResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('storage is closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(mode);
    });
  }

  /** Lets the queued checkpoints finish, closes the worker's connection and waits for it to exit. */
  async close(): Promise<void> {
    if (this.closing) return this.exited;
    this.closing = true;
    // Held while it shuts down: with the worker unref'd, a process whose only
    // remaining work is this wait (a short `tacet admin` command) would end
    // with the top-level await unsettled (exit code 13).
    this.worker.ref();
    this.worker.postMessage('close');
    await this.exited;
  }

  private answer(reply: Reply): void {
    const caller = this.waiting.shift();
    if (!caller) return;
    if ('row' in reply) caller.resolve(reply.row);
    else if (reply.error.code && RETRYABLE.has(reply.error.code))
      caller.resolve({ busy: 1, log: -1, checkpointed: -1 });
    else {
      this.fail(reply.error.message);
      caller.reject(this.failure as CheckpointWorkerError);
    }
  }

  private fail(reason: string): void {
    if (!this.failure)
      this.failure = new CheckpointWorkerError(
        `the database's checkpoint worker failed (${reason}); the write-ahead log is no longer folded back into the database, restart the server`,
      );
    for (const caller of this.waiting.splice(0)) caller.reject(this.failure);
  }
}
