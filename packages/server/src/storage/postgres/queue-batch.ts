/**
 * One group-commit transaction of queue writes (enqueues and acks from many
 * connections). Every device the batch touches is locked first, in one
 * sorted order, so two batches (on this node or another) never deadlock and
 * sequence numbers, taken from the locked row, commit in order per device.
 * The rest is a fixed number of statements whatever the batch size:
 * lock, insert, delete, update counters, commit.
 */
import type { EnqueueRequest, EnqueueResult } from '../../delivery/queue-store.js';
import { deviceKey } from '../../fanout/fanout.js';
import { int, type PgClient } from './driver.js';

/** An enqueue waiting for the next batch. */
export interface EnqueueOp {
  kind: 'enqueue';
  request: EnqueueRequest;
  maxQueueLength: number;
}

/** An ack waiting for the next batch. */
export interface AckOp {
  kind: 'ack';
  accountId: Uint8Array;
  deviceId: number;
  ids: Uint8Array[];
}

export type QueueOp = EnqueueOp | AckOp;
export type QueueOpResult = EnqueueResult | number;

interface DeviceState {
  accountId: Uint8Array;
  deviceId: number;
  nextSeq: number;
  length: number;
  /** Rows inserted minus rows deleted by this batch. */
  delta: number;
  firstSeq: number;
}

interface Columns {
  account: Uint8Array[];
  device: number[];
  seq: number[];
  id: Uint8Array[];
  content: Uint8Array[];
  ts: number[];
  expires: number[];
  /** Index of the op each row belongs to. */
  op: number[];
}

/** Runs `ops` in one transaction on `client`; resolves one result per op after COMMIT. */
export async function runQueueBatch(client: PgClient, ops: readonly QueueOp[]): Promise<QueueOpResult[]> {
  await client.query('BEGIN');
  const devices = await lockDevices(client, ops);
  const { rows, results } = planEnqueues(ops, devices);
  const inserted = await insertRows(client, rows);
  for (const [opIndex, n] of inserted.perOp) (results[opIndex] as { stored: number }).stored = n;
  for (const [key, n] of inserted.perDevice) (devices.get(key) as DeviceState).delta += n;
  await deleteAcked(client, ops, devices, results);
  await updateCounters(client, devices);
  await client.query('COMMIT');
  return results;
}

function touchedDevices(ops: readonly QueueOp[]): Map<string, { accountId: Uint8Array; deviceId: number }> {
  const touched = new Map<string, { accountId: Uint8Array; deviceId: number }>();
  for (const op of ops) {
    const targets = op.kind === 'ack' ? [op] : op.request.copies;
    for (const t of targets) touched.set(deviceKey(t.accountId, t.deviceId), t);
  }
  return touched;
}

async function lockDevices(client: PgClient, ops: readonly QueueOp[]): Promise<Map<string, DeviceState>> {
  const touched = [...touchedDevices(ops).values()];
  const { rows } = await client.query<{
    account_id: Buffer;
    device_id: number;
    next_seq: string;
    queue_length: number;
  }>(
    `SELECT account_id, device_id, next_seq, queue_length FROM devices
     WHERE (account_id, device_id) IN (SELECT * FROM unnest($1::bytea[], $2::integer[]))
     ORDER BY account_id, device_id FOR UPDATE`,
    [touched.map((t) => t.accountId), touched.map((t) => t.deviceId)],
  );
  const devices = new Map<string, DeviceState>();
  for (const r of rows) {
    const nextSeq = int(r.next_seq);
    devices.set(deviceKey(r.account_id, r.device_id), {
      accountId: r.account_id,
      deviceId: r.device_id,
      nextSeq,
      firstSeq: nextSeq,
      length: r.queue_length,
      delta: 0,
    });
  }
  return devices;
}

/** Decides each enqueue all-or-nothing against the locked rows and assigns sequence numbers. */
function planEnqueues(ops: readonly QueueOp[], devices: Map<string, DeviceState>) {
  const rows: Columns = {
    account: [],
    device: [],
    seq: [],
    id: [],
    content: [],
    ts: [],
    expires: [],
    op: [],
  };
  const results: QueueOpResult[] = [];
  ops.forEach((op, opIndex) => {
    if (op.kind === 'ack') {
      results.push(0);
      return;
    }
    const { request: req, maxQueueLength } = op;
    const states = req.copies.map((c) => devices.get(deviceKey(c.accountId, c.deviceId)));
    const unknown = states.flatMap((s, i) => (s ? [] : [i]));
    if (unknown.length > 0) {
      results.push({ ok: false, code: 'unknown_recipient', failedIndexes: unknown });
      return;
    }
    // Counts rows planned earlier in this batch too (a duplicate among them is counted: conservative).
    const full = states.flatMap((s, i) => ((s as DeviceState).length >= maxQueueLength ? [i] : []));
    if (full.length > 0) {
      results.push({ ok: false, code: 'queue_full', failedIndexes: full });
      return;
    }
    req.copies.forEach((c, i) => {
      const s = states[i] as DeviceState;
      rows.account.push(c.accountId);
      rows.device.push(c.deviceId);
      rows.seq.push(s.nextSeq++);
      rows.id.push(req.id);
      rows.content.push(c.content);
      rows.ts.push(req.serverTimestamp);
      rows.expires.push(req.expiresAt);
      rows.op.push(opIndex);
      s.length++;
    });
    results.push({ ok: true, stored: 0 });
  });
  return { rows, results };
}

/** Inserts the planned rows; a resend (same device and id) is skipped by the unique constraint. */
async function insertRows(client: PgClient, rows: Columns) {
  const perOp = new Map<number, number>();
  const perDevice = new Map<string, number>();
  if (rows.seq.length === 0) return { perOp, perDevice };
  const { rows: done } = await client.query<{ account_id: Buffer; device_id: number; seq: string }>(
    `INSERT INTO envelopes (account_id, device_id, seq, id, content, server_ts, expires_at)
     SELECT * FROM unnest($1::bytea[], $2::integer[], $3::bigint[], $4::bytea[], $5::bytea[], $6::bigint[], $7::bigint[])
     ON CONFLICT (account_id, device_id, id) DO NOTHING
     RETURNING account_id, device_id, seq`,
    [rows.account, rows.device, rows.seq, rows.id, rows.content, rows.ts, rows.expires],
  );
  // Sequence numbers are unique per device within the batch, so (device, seq) finds the op.
  const opOf = new Map<string, number>();
  rows.seq.forEach((seq, i) => {
    opOf.set(
      `${deviceKey(rows.account[i] as Uint8Array, rows.device[i] as number)}#${seq}`,
      rows.op[i] as number,
    );
  });
  for (const r of done) {
    const key = deviceKey(r.account_id, r.device_id);
    const op = opOf.get(`${key}#${int(r.seq)}`) as number;
    perOp.set(op, (perOp.get(op) ?? 0) + 1);
    perDevice.set(key, (perDevice.get(key) ?? 0) + 1);
  }
  return { perOp, perDevice };
}

async function deleteAcked(
  client: PgClient,
  ops: readonly QueueOp[],
  devices: Map<string, DeviceState>,
  results: QueueOpResult[],
): Promise<void> {
  const cols = {
    account: [] as Uint8Array[],
    device: [] as number[],
    id: [] as Uint8Array[],
    op: [] as number[],
  };
  ops.forEach((op, opIndex) => {
    if (op.kind !== 'ack' || !devices.has(deviceKey(op.accountId, op.deviceId))) return;
    for (const id of op.ids) {
      cols.account.push(op.accountId);
      cols.device.push(op.deviceId);
      cols.id.push(id);
      cols.op.push(opIndex);
    }
  });
  if (cols.id.length === 0) return;
  const { rows } = await client.query<{ account_id: Buffer; device_id: number; op: number }>(
    `DELETE FROM envelopes e USING unnest($1::bytea[], $2::integer[], $3::bytea[], $4::integer[]) AS a(account_id, device_id, id, op)
     WHERE e.account_id = a.account_id AND e.device_id = a.device_id AND e.id = a.id
     RETURNING e.account_id, e.device_id, a.op`,
    [cols.account, cols.device, cols.id, cols.op],
  );
  for (const r of rows) {
    results[r.op] = (results[r.op] as number) + 1;
    (devices.get(deviceKey(r.account_id, r.device_id)) as DeviceState).delta -= 1;
  }
}

async function updateCounters(client: PgClient, devices: Map<string, DeviceState>): Promise<void> {
  const changed = [...devices.values()].filter((d) => d.delta !== 0 || d.nextSeq !== d.firstSeq);
  if (changed.length === 0) return;
  await client.query(
    `UPDATE devices d SET next_seq = u.next_seq, queue_length = d.queue_length + u.delta
     FROM unnest($1::bytea[], $2::integer[], $3::bigint[], $4::integer[]) AS u(account_id, device_id, next_seq, delta)
     WHERE d.account_id = u.account_id AND d.device_id = u.device_id`,
    [
      changed.map((d) => d.accountId),
      changed.map((d) => d.deviceId),
      changed.map((d) => d.nextSeq),
      changed.map((d) => d.delta),
    ],
  );
}
