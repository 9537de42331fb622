/**
 * One group-commit batch of queue writes (enqueues and acks from many
 * connections) as ONE statement, so a batch costs one round trip and one
 * commit whatever its size. Inside it:
 * - every device the batch touches is locked first, in one sorted order
 *   (`locked`), so two batches (on this node or another) never deadlock,
 *   and sequence numbers taken from the locked row commit in order per
 *   device — a delivery cursor never skips a row that commits late;
 * - a sequence number is the database clock in microseconds, or the locked
 *   row's floor (`next_seq`) if that is ahead. The clock is read in the
 *   locking scan, which PostgreSQL re-evaluates on the newest row version
 *   after waiting for a lock, so it is read after any earlier batch of that
 *   device committed. A device whose queue empties gets floor 0, so the
 *   database keeps no count of its traffic (migration 002); across an empty
 *   queue, cursor order rests on the database clock not stepping back;
 * - each enqueue is all-or-nothing: refused if a recipient device is
 *   unknown, or would be over its cap counting the rows queued before it in
 *   the batch (rows of refused sends count too: conservative near the cap);
 *   an `each` enqueue (a group fan-out) instead keeps every copy that passes
 *   those checks on its own and reports the others per copy;
 * - a resend (same device and id) is skipped by the unique constraint;
 * - acked envelopes are deleted, and each device's counters are updated.
 * It reports inserted copies, deleted acks and refused copies per op.
 */
import type {
  EnqueueEachResult,
  EnqueueRequest,
  EnqueueResult,
  RefusedCopy,
} from '../../delivery/queue-store.js';
import { int, type PgQueryable } from './driver.js';

/** An enqueue waiting for the next batch. */
export interface EnqueueOp {
  kind: 'enqueue';
  request: EnqueueRequest;
  maxQueueLength: number;
  /** Store each copy on its own merits (enqueueEach) rather than all or none. */
  each?: boolean;
}

/** An ack waiting for the next batch. */
export interface AckOp {
  kind: 'ack';
  accountId: Uint8Array;
  deviceId: number;
  ids: Uint8Array[];
}

export type QueueOp = EnqueueOp | AckOp;
export type QueueOpResult = EnqueueResult | EnqueueEachResult | number;

const BATCH_SQL = `
WITH copies AS (
  SELECT * FROM unnest($1::integer[], $2::integer[], $3::bytea[], $4::integer[], $5::bytea[], $6::bytea[],
                       $7::bigint[], $8::bigint[], $9::integer[], $14::boolean[])
    WITH ORDINALITY AS c(op, idx, account_id, device_id, id, content, server_ts, expires_at, max_len, each, ord)),
acks AS (
  SELECT * FROM unnest($10::integer[], $11::bytea[], $12::integer[], $13::bytea[]) AS a(op, account_id, device_id, id)),
locked AS MATERIALIZED (
  SELECT d.account_id, d.device_id, d.next_seq, d.queue_length,
         greatest(d.next_seq, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint) AS base_seq
  FROM devices d
  WHERE (d.account_id, d.device_id) IN (SELECT account_id, device_id FROM copies UNION SELECT account_id, device_id FROM acks)
  ORDER BY d.account_id, d.device_id FOR UPDATE),
planned AS (
  SELECT c.*, l.account_id IS NULL AS is_unknown,
         l.base_seq + row_number() OVER w - 1 AS seq,
         l.queue_length + row_number() OVER w - 1 >= c.max_len AS is_full
  FROM copies c LEFT JOIN locked l USING (account_id, device_id)
  WINDOW w AS (PARTITION BY c.account_id, c.device_id ORDER BY c.ord)),
verdicts AS (
  SELECT op, bool_or(is_unknown) AS is_unknown, bool_or(coalesce(is_full, false)) AS is_full FROM planned GROUP BY op),
accepted AS (
  SELECT p.* FROM planned p JOIN verdicts v USING (op)
  WHERE CASE WHEN p.each THEN NOT p.is_unknown AND NOT p.is_full ELSE NOT v.is_unknown AND NOT v.is_full END),
inserted AS (
  INSERT INTO envelopes (account_id, device_id, seq, id, content, server_ts, expires_at)
  SELECT account_id, device_id, seq, id, content, server_ts, expires_at FROM accepted ORDER BY ord
  ON CONFLICT (account_id, device_id, id) DO NOTHING
  RETURNING account_id, device_id, seq),
deleted AS (
  DELETE FROM envelopes e USING acks a, locked l
  WHERE e.account_id = a.account_id AND e.device_id = a.device_id AND e.id = a.id
    AND l.account_id = a.account_id AND l.device_id = a.device_id
  RETURNING e.account_id, e.device_id, a.op),
changes AS (
  SELECT account_id, device_id, sum(n)::integer AS n FROM (
    SELECT account_id, device_id, 1 AS n FROM inserted UNION ALL SELECT account_id, device_id, -1 FROM deleted) x
  GROUP BY account_id, device_id),
next_seqs AS (
  SELECT account_id, device_id, max(seq) + 1 AS next_seq FROM accepted GROUP BY account_id, device_id),
counted AS (
  UPDATE devices d
  SET next_seq = CASE WHEN d.queue_length + coalesce(c.n, 0) = 0 THEN 0
                      ELSE greatest(d.next_seq, coalesce(s.next_seq, d.next_seq)) END,
      queue_length = d.queue_length + coalesce(c.n, 0)
  FROM locked l LEFT JOIN changes c USING (account_id, device_id) LEFT JOIN next_seqs s USING (account_id, device_id)
  WHERE d.account_id = l.account_id AND d.device_id = l.device_id AND (c.n IS NOT NULL OR s.next_seq IS NOT NULL))
SELECT 'i' AS kind, p.op, p.idx FROM inserted JOIN planned p USING (account_id, device_id, seq)
UNION ALL SELECT 'd', op, 0 FROM deleted
UNION ALL SELECT CASE WHEN (CASE WHEN p.each THEN p.is_unknown ELSE v.is_unknown END) THEN 'u' ELSE 'f' END,
                 p.op, p.idx
  FROM planned p JOIN verdicts v USING (op)
  WHERE CASE WHEN p.each THEN p.is_unknown OR coalesce(p.is_full, false)
             ELSE (v.is_unknown AND p.is_unknown) OR (NOT v.is_unknown AND v.is_full AND p.is_full) END`;

/** Column arrays of the statement's parameters. */
function parameters(ops: readonly QueueOp[]): unknown[] {
  const c = { op: [] as number[], idx: [] as number[], acc: [] as Uint8Array[], dev: [] as number[] };
  const e = {
    id: [] as Uint8Array[],
    content: [] as Uint8Array[],
    ts: [] as number[],
    exp: [] as number[],
    max: [] as number[],
    each: [] as boolean[],
  };
  const a = { op: [] as number[], acc: [] as Uint8Array[], dev: [] as number[], id: [] as Uint8Array[] };
  ops.forEach((op, i) => {
    if (op.kind === 'ack') {
      for (const id of op.ids) {
        a.op.push(i);
        a.acc.push(op.accountId);
        a.dev.push(op.deviceId);
        a.id.push(id);
      }
      return;
    }
    const r = op.request;
    r.copies.forEach((copy, idx) => {
      c.op.push(i);
      c.idx.push(idx);
      c.acc.push(copy.accountId);
      c.dev.push(copy.deviceId);
      e.id.push(r.id);
      e.content.push(copy.content);
      e.ts.push(r.serverTimestamp);
      e.exp.push(r.expiresAt);
      e.max.push(op.maxQueueLength);
      e.each.push(op.each === true);
    });
  });
  return [c.op, c.idx, c.acc, c.dev, e.id, e.content, e.ts, e.exp, e.max, a.op, a.acc, a.dev, a.id, e.each];
}

/** Runs `ops` as one statement (atomic on its own); resolves one result per op once committed. */
export async function runQueueBatch(q: PgQueryable, ops: readonly QueueOp[]): Promise<QueueOpResult[]> {
  const { rows } = await q.query<{ kind: 'i' | 'd' | 'u' | 'f'; op: number; idx: string | number }>(
    BATCH_SQL,
    parameters(ops),
  );
  const stored = ops.map(() => 0);
  const refused = ops.map((): RefusedCopy[] => []);
  for (const r of rows) {
    if (r.kind === 'i' || r.kind === 'd') stored[r.op] = (stored[r.op] as number) + 1;
    else
      refused[r.op]?.push({ index: int(r.idx), code: r.kind === 'u' ? 'unknown_recipient' : 'queue_full' });
  }
  return ops.map((op, i): QueueOpResult => {
    if (op.kind === 'ack') return stored[i] as number;
    const no = (refused[i] as RefusedCopy[]).sort((x, y) => x.index - y.index);
    if (op.each) return { stored: stored[i] as number, refused: no };
    if (no.length > 0)
      return { ok: false, code: (no[0] as RefusedCopy).code, failedIndexes: no.map((r) => r.index) };
    return { ok: true, stored: stored[i] as number };
  });
}
