/**
 * Queue reads of many devices in one statement. Every connection's delivery
 * pump reads its own queue after each wake-up; on SQLite that is an
 * in-process call, on PostgreSQL a round trip, so reads issued together are
 * sent together (one LATERAL scan per device over the primary key).
 */
import type { StoredEnvelope } from '../../delivery/queue-store.js';
import { int, type PgQueryable } from './driver.js';

/** One `QueueStore.fetch` call. */
export interface FetchRequest {
  accountId: Uint8Array;
  deviceId: number;
  afterSeq: number;
  limit: number;
  now: number;
}

interface Row {
  i: string;
  seq: string;
  id: Buffer;
  content: Buffer;
  server_ts: string;
  expires_at: string;
}

/** Runs `requests` as one query; resolves each request's envelopes, oldest first. */
export async function fetchMany(
  q: PgQueryable,
  requests: readonly FetchRequest[],
): Promise<StoredEnvelope[][]> {
  const { rows } = await q.query<Row>(
    `SELECT r.i, e.seq, e.id, e.content, e.server_ts, e.expires_at
     FROM unnest($1::bytea[], $2::integer[], $3::bigint[], $4::integer[], $5::bigint[])
       WITH ORDINALITY AS r(account_id, device_id, after_seq, lim, now, i)
     CROSS JOIN LATERAL (
       SELECT seq, id, content, server_ts, expires_at FROM envelopes e
       WHERE e.account_id = r.account_id AND e.device_id = r.device_id AND e.seq > r.after_seq AND e.expires_at > r.now
       ORDER BY e.seq LIMIT r.lim) e
     ORDER BY r.i, e.seq`,
    [
      requests.map((r) => r.accountId),
      requests.map((r) => r.deviceId),
      requests.map((r) => r.afterSeq),
      requests.map((r) => r.limit),
      requests.map((r) => r.now),
    ],
  );
  const out: StoredEnvelope[][] = requests.map(() => []);
  for (const r of rows) {
    (out[int(r.i) - 1] as StoredEnvelope[]).push({
      seq: int(r.seq),
      id: r.id,
      content: r.content,
      serverTimestamp: int(r.server_ts),
      expiresAt: int(r.expires_at),
    });
  }
  return out;
}
