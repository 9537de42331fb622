/**
 * SQLite adapter of {@link QueueStore}. Enqueues and acks go through the
 * group committer (one WAL sync per batch); reads go straight to the
 * database and see only rows already on disk: a committed row is readable
 * before its WAL sync ends, so fetch stops at the highest sequence number
 * whose enqueue has resolved (`durableSeq`). Syncs cover every earlier
 * commit and numbers grow in commit order, so every row at or below it is
 * on disk, and a delivered envelope is never one a power cut could take back. Queue lengths are cached in memory (this
 * process is the only writer) so the cap check costs no COUNT per send.
 *
 * Sequence numbers come from the clock (microsecond-sized steps of
 * `Date.now()`), kept strictly increasing in memory: a delivery cursor never
 * sees one go back while this process runs, and no stored number counts how
 * many envelopes ever passed (no AUTOINCREMENT, see migration 002).
 */
import type {
  EnqueueEachResult,
  EnqueueRequest,
  EnqueueResult,
  QueueStore,
  RefusedCopy,
  StoredEnvelope,
} from '../../delivery/queue-store.js';
import { deviceKey } from '../../fanout/fanout.js';
import type { SqliteDatabase } from './database.js';
import type { GroupCommitter } from './group-commit.js';

/** Cached lengths kept before the cache is dropped and rebuilt lazily. */
const MAX_CACHED_LENGTHS = 100_000;
/** Sequence numbers per millisecond: room for bursts before they run ahead of the clock. */
const SEQ_PER_MS = 1000;

export class SqliteQueueStore implements QueueStore {
  private readonly s;
  private readonly lengths = new Map<string, number>();
  /** The last sequence number handed out (or the highest stored at start). */
  private lastSeq: number;
  /** The highest sequence number known to be on disk; fetch reads no further. */
  private durableSeq: number;

  constructor(
    db: SqliteDatabase,
    private readonly committer: GroupCommitter,
    /** Called after a commit that deleted envelopes (schedules the WAL truncation). */
    private readonly onDeleted: () => void = () => {},
  ) {
    const byDevice = 'account_id = ? AND device_id = ?';
    this.s = {
      device: db.prepare(`SELECT 1 FROM devices WHERE ${byDevice}`).pluck(),
      count: db.prepare(`SELECT count(*) FROM envelopes WHERE ${byDevice}`).pluck(),
      insert: db.prepare(
        'INSERT OR IGNORE INTO envelopes (seq, account_id, device_id, id, content, server_ts, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      fetch: db.prepare(
        // Columns named as StoredEnvelope's fields: the rows are handed out as they are, not copied per envelope.
        `SELECT seq, id, content, server_ts AS serverTimestamp, expires_at AS expiresAt FROM envelopes
         WHERE ${byDevice} AND seq > ? AND seq <= ? AND expires_at > ? ORDER BY seq LIMIT ?`,
      ),
      ack: db.prepare(`DELETE FROM envelopes WHERE ${byDevice} AND id = ?`),
      expired: db.prepare(
        'DELETE FROM envelopes WHERE seq IN (SELECT seq FROM envelopes WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)',
      ),
    };
    this.lastSeq = db.prepare('SELECT coalesce(max(seq), 0) FROM envelopes').pluck().get() as number;
    // Opening the storage synced the WAL, so whatever is stored now is on disk.
    this.durableSeq = this.lastSeq;
  }

  /** Runs an enqueue in the committer; once it is on disk, fetch may read its rows. */
  private commitEnqueue<T>(op: () => T): Promise<T> {
    return this.committer
      .run(() => ({ result: op(), lastSeq: this.lastSeq }))
      .then(({ result, lastSeq }) => {
        this.durableSeq = Math.max(this.durableSeq, lastSeq);
        return result;
      });
  }

  private nextSeq(): number {
    this.lastSeq = Math.max(this.lastSeq + 1, Date.now() * SEQ_PER_MS);
    return this.lastSeq;
  }

  /** The queue length of the device `key` names (its deviceKey, which the caller builds once per copy). */
  private length(key: string, device: { accountId: Uint8Array; deviceId: number }): number {
    let n = this.lengths.get(key);
    if (n === undefined) {
      if (this.lengths.size >= MAX_CACHED_LENGTHS) this.lengths.clear();
      n = this.s.count.get(device.accountId, device.deviceId) as number;
      this.lengths.set(key, n);
    }
    return n;
  }

  private adjust(key: string, by: number): void {
    const n = this.lengths.get(key);
    if (n !== undefined) this.lengths.set(key, Math.max(0, n + by));
  }

  enqueue(req: EnqueueRequest, maxQueueLength: number): Promise<EnqueueResult> {
    return this.commitEnqueue((): EnqueueResult => {
      // Plain loops: this runs once per send, and flatMap allocated an array per copy.
      const unknown: number[] = [];
      req.copies.forEach((c, i) => {
        if (!this.s.device.get(c.accountId, c.deviceId)) unknown.push(i);
      });
      if (unknown.length > 0) return { ok: false, code: 'unknown_recipient', failedIndexes: unknown };
      const keys = req.copies.map((c) => deviceKey(c.accountId, c.deviceId));
      const full: number[] = [];
      req.copies.forEach((c, i) => {
        if (this.length(keys[i] as string, c) >= maxQueueLength) full.push(i);
      });
      if (full.length > 0) return { ok: false, code: 'queue_full', failedIndexes: full };
      return { ok: true, stored: this.insertCopies(req, req.copies, keys) };
    });
  }

  enqueueEach(req: EnqueueRequest, maxQueueLength: number): Promise<EnqueueEachResult> {
    return this.commitEnqueue((): EnqueueEachResult => {
      const refused: RefusedCopy[] = [];
      const accepted: EnqueueRequest['copies'] = [];
      const keys: string[] = [];
      req.copies.forEach((c, index) => {
        const key = deviceKey(c.accountId, c.deviceId);
        if (!this.s.device.get(c.accountId, c.deviceId)) refused.push({ index, code: 'unknown_recipient' });
        else if (this.length(key, c) >= maxQueueLength) refused.push({ index, code: 'queue_full' });
        else {
          accepted.push(c);
          keys.push(key);
        }
      });
      return { stored: this.insertCopies(req, accepted, keys), refused };
    });
  }

  /** Inserts inside the running commit; resolves how many rows were new. `keys[i]` is the deviceKey of `copies[i]`. */
  private insertCopies(req: EnqueueRequest, copies: EnqueueRequest['copies'], keys: string[]): number {
    let stored = 0;
    for (let i = 0; i < copies.length; i++) {
      const c = copies[i] as EnqueueRequest['copies'][number];
      const added = this.s.insert.run(
        this.nextSeq(),
        c.accountId,
        c.deviceId,
        req.id,
        c.content,
        req.serverTimestamp,
        req.expiresAt,
      ).changes;
      if (added > 0) this.adjust(keys[i] as string, added);
      stored += added;
    }
    return stored;
  }

  async fetch(accountId: Uint8Array, deviceId: number, afterSeq: number, limit: number, now: number) {
    return this.s.fetch.all(accountId, deviceId, afterSeq, this.durableSeq, now, limit) as StoredEnvelope[];
  }

  ack(accountId: Uint8Array, deviceId: number, ids: Uint8Array[]): Promise<number> {
    const deleted = this.committer.run(() => {
      let n = 0;
      for (const id of ids) n += this.s.ack.run(accountId, deviceId, id).changes;
      if (n > 0) this.adjust(deviceKey(accountId, deviceId), -n);
      return n;
    });
    return this.afterDelete(deleted);
  }

  deleteExpired(now: number, limit: number): Promise<number> {
    const deleted = this.committer.run(() => {
      const n = this.s.expired.run(now, limit).changes;
      // Which devices lost rows is not tracked; recount lazily.
      if (n > 0) this.lengths.clear();
      return n;
    });
    return this.afterDelete(deleted);
  }

  /** Reports committed deletions so their bytes leave the WAL soon. */
  private async afterDelete(deleted: Promise<number>): Promise<number> {
    const n = await deleted;
    if (n > 0) this.onDeleted();
    return n;
  }

  async queueLength(accountId: Uint8Array, deviceId: number): Promise<number> {
    return this.s.count.get(accountId, deviceId) as number;
  }
}
