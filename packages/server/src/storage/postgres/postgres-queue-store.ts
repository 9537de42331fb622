/**
 * PostgreSQL adapter of {@link QueueStore}. Enqueues and acks go through the
 * group committer; reads issued together share one statement (fetch-batch),
 * see committed rows only, and wait for this node's pending acks of the
 * same device. Expiry deletes lock the affected devices first, in the same order
 * as the committer does, and keep each device's queue counter exact.
 */
import type {
  EnqueueEachResult,
  EnqueueRequest,
  EnqueueResult,
  QueueStore,
  StoredEnvelope,
} from '../../delivery/queue-store.js';
import { deviceKey } from '../../fanout/fanout.js';
import { Batcher } from './batcher.js';
import { int, type PgPool, withTransaction } from './driver.js';
import { type FetchRequest, fetchMany } from './fetch-batch.js';
import type { PgGroupCommitter } from './group-commit.js';
import { Lanes } from './lanes.js';

/** Reads per statement; a delivery pump asks for up to DELIVERY_BATCH envelopes each. */
const MAX_READS_PER_BATCH = 200;
/** Read statements in flight at once per node. */
const READ_LANES = 2;

export class PostgresQueueStore implements QueueStore {
  private readonly reads: Lanes<FetchRequest, StoredEnvelope[]>;
  /** Acks not yet committed, per device: reads of that device wait for them. */
  private readonly acking = new Map<string, Set<Promise<unknown>>>();

  constructor(
    private readonly pool: PgPool,
    private readonly committer: PgGroupCommitter,
  ) {
    this.reads = new Lanes(
      READ_LANES,
      (r) => r.accountId,
      () => new Batcher((requests) => fetchMany(pool, requests), MAX_READS_PER_BATCH),
    );
  }

  async enqueue(request: EnqueueRequest, maxQueueLength: number): Promise<EnqueueResult> {
    return (await this.committer.run({ kind: 'enqueue', request, maxQueueLength })) as EnqueueResult;
  }

  async enqueueEach(request: EnqueueRequest, maxQueueLength: number): Promise<EnqueueEachResult> {
    return (await this.committer.run({
      kind: 'enqueue',
      request,
      maxQueueLength,
      each: true,
    })) as EnqueueEachResult;
  }

  async fetch(accountId: Uint8Array, deviceId: number, afterSeq: number, limit: number, now: number) {
    // Read your own acks: a device reconnecting right after acking must not get those envelopes again.
    const acks = this.acking.get(deviceKey(accountId, deviceId));
    if (acks) await Promise.allSettled([...acks]);
    return this.reads.run({ accountId, deviceId, afterSeq, limit, now });
  }

  async ack(accountId: Uint8Array, deviceId: number, ids: Uint8Array[]): Promise<number> {
    if (ids.length === 0) return 0;
    const key = deviceKey(accountId, deviceId);
    const work = this.committer.run({ kind: 'ack', accountId, deviceId, ids });
    let set = this.acking.get(key);
    if (!set) {
      set = new Set();
      this.acking.set(key, set);
    }
    set.add(work);
    try {
      return (await work) as number;
    } finally {
      set.delete(work);
      if (set.size === 0 && this.acking.get(key) === set) this.acking.delete(key);
    }
  }

  deleteExpired(now: number, limit: number): Promise<number> {
    return withTransaction(this.pool, async (c) => {
      const locked = await c.query<{ account_id: Buffer; device_id: number }>(
        `SELECT d.account_id, d.device_id FROM devices d
         WHERE (d.account_id, d.device_id) IN
           (SELECT account_id, device_id FROM envelopes WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)
         ORDER BY d.account_id, d.device_id FOR UPDATE OF d`,
        [now, limit],
      );
      if (locked.rows.length === 0) return 0;
      const { rows } = await c.query<{ n: string }>(
        `WITH victims AS (
           SELECT account_id, device_id, seq FROM envelopes
           WHERE expires_at <= $1 AND (account_id, device_id) IN (SELECT * FROM unnest($3::bytea[], $4::integer[]))
           ORDER BY expires_at LIMIT $2),
         deleted AS (
           DELETE FROM envelopes e USING victims v
           WHERE e.account_id = v.account_id AND e.device_id = v.device_id AND e.seq = v.seq
           RETURNING e.account_id, e.device_id),
         per_device AS (SELECT account_id, device_id, count(*) AS n FROM deleted GROUP BY account_id, device_id),
         counted AS (
           UPDATE devices d SET queue_length = d.queue_length - p.n,
             next_seq = CASE WHEN d.queue_length = p.n THEN 0 ELSE d.next_seq END
           FROM per_device p
           WHERE d.account_id = p.account_id AND d.device_id = p.device_id)
         SELECT coalesce(sum(n), 0) AS n FROM per_device`,
        [now, limit, locked.rows.map((r) => r.account_id), locked.rows.map((r) => r.device_id)],
      );
      return int(rows[0]?.n);
    });
  }

  /** Waits for reads in flight (writes are the committer's). */
  close(): Promise<void> {
    return this.reads.close();
  }

  async queueLength(accountId: Uint8Array, deviceId: number): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM envelopes WHERE account_id = $1 AND device_id = $2',
      [accountId, deviceId],
    );
    return int(rows[0]?.n);
  }
}
