/**
 * PostgreSQL adapter of {@link AttachmentStore}, for nodes sharing one
 * database: the bytes in chunk rows of at most 1 MiB keyed by their offset,
 * so any node can resume an upload or serve a download and memory per
 * request stays at one chunk. An append is one transaction that moves the
 * row's `received` forward only from the offset the piece starts at, so two
 * nodes appending the same piece cannot both succeed.
 *
 * @NOTE Deleted chunks stay in dead tuples and WAL until VACUUM and WAL
 * recycling, as deleted envelopes do (docs/operations.md).
 */
import type {
  AckResult,
  AppendResult,
  AttachmentInfo,
  AttachmentStore,
  NewAttachment,
} from '../../attachments/attachment-store.js';
import { type PgPool, withTransaction } from './driver.js';

/** Bytes per chunk row. */
export const PG_CHUNK_BYTES = 1024 * 1024;

interface Row {
  id: Buffer;
  size: string;
  received: string;
  credential_hash: Buffer;
  upload_expires_at: string;
  expires_at: string;
  recipients: number;
}

export class PostgresAttachmentStore implements AttachmentStore {
  constructor(private readonly pool: PgPool) {}

  async create(a: NewAttachment): Promise<void> {
    await this.pool.query(
      'INSERT INTO attachments (id, size, credential_hash, upload_expires_at, expires_at, recipients) VALUES ($1, $2, $3, $4, $5, $6)',
      [a.id, a.size, a.credentialHash, a.uploadExpiresAt, a.expiresAt, a.recipients],
    );
  }

  async get(id: Uint8Array): Promise<AttachmentInfo | undefined> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM attachments WHERE id = $1', [id]);
    const r = rows[0];
    if (!r) return undefined;
    return {
      id: new Uint8Array(r.id),
      size: Number(r.size),
      received: Number(r.received),
      credentialHash: new Uint8Array(r.credential_hash),
      uploadExpiresAt: Number(r.upload_expires_at),
      expiresAt: Number(r.expires_at),
      recipients: r.recipients,
    };
  }

  async append(
    id: Uint8Array,
    offset: number,
    chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  ): Promise<AppendResult> {
    let at = offset;
    let stored = false;
    for await (const chunk of chunks) {
      const r = await this.appendChunk(id, at, chunk);
      if (!r.ok) return r;
      at = r.received;
      stored = true;
    }
    if (stored) return { ok: true, received: at };
    // Nothing to store: still answer whether `offset` is where the copy ends.
    const info = await this.get(id);
    if (!info) return { ok: false, reason: 'missing' };
    return info.received === offset
      ? { ok: true, received: offset }
      : { ok: false, reason: 'offset', received: info.received };
  }

  /** One chunk in one transaction: rows then offset, or neither. */
  private appendChunk(id: Uint8Array, offset: number, bytes: Uint8Array): Promise<AppendResult> {
    return withTransaction(this.pool, async (c): Promise<AppendResult> => {
      const moved = await c.query<{ received: string }>(
        'UPDATE attachments SET received = received + $3 WHERE id = $1 AND received = $2 AND received + $3 <= size RETURNING received',
        [id, offset, bytes.length],
      );
      if (moved.rowCount === 0) {
        const { rows } = await c.query<{ received: string }>(
          'SELECT received FROM attachments WHERE id = $1',
          [id],
        );
        return rows[0]
          ? { ok: false, reason: 'offset', received: Number(rows[0].received) }
          : { ok: false, reason: 'missing' };
      }
      for (let at = 0; at < bytes.length; at += PG_CHUNK_BYTES) {
        const piece = bytes.subarray(at, Math.min(bytes.length, at + PG_CHUNK_BYTES));
        await c.query(
          'INSERT INTO attachment_chunks (attachment_id, start_offset, data) VALUES ($1, $2, $3)',
          [id, offset + at, Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength)],
        );
      }
      return { ok: true, received: Number(moved.rows[0]?.received) };
    });
  }

  async read(id: Uint8Array): Promise<AsyncIterable<Uint8Array> | undefined> {
    const info = await this.get(id);
    if (!info || info.received !== info.size) return undefined;
    const pool = this.pool;
    return (async function* () {
      for (let at = 0; at < info.size; ) {
        const { rows } = await pool.query<{ data: Buffer }>(
          'SELECT data FROM attachment_chunks WHERE attachment_id = $1 AND start_offset = $2',
          [id, at],
        );
        const data = rows[0]?.data;
        // Deleted while being read (expiry): the reader gets a short blob, which its digest check refuses.
        if (!data || data.length === 0) throw new Error('attachment was deleted while being read');
        at += data.length;
        yield new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      }
    })();
  }

  ack(id: Uint8Array, ackKey: Uint8Array): Promise<AckResult> {
    return withTransaction(this.pool, async (c): Promise<AckResult> => {
      const { rows } = await c.query<{ recipients: number }>(
        'SELECT recipients FROM attachments WHERE id = $1 FOR UPDATE',
        [id],
      );
      const row = rows[0];
      if (!row) return 'missing';
      await c.query(
        'INSERT INTO attachment_acks (attachment_id, ack_key) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [id, ackKey],
      );
      const count = await c.query<{ n: string }>(
        'SELECT count(*) AS n FROM attachment_acks WHERE attachment_id = $1',
        [id],
      );
      if (Number(count.rows[0]?.n) < row.recipients) return 'kept';
      await c.query('DELETE FROM attachments WHERE id = $1', [id]);
      return 'deleted';
    });
  }

  async shortenDeadline(id: Uint8Array, expiresAt: number): Promise<boolean> {
    const r = await this.pool.query(
      'UPDATE attachments SET expires_at = LEAST(expires_at, $1) WHERE id = $2',
      [expiresAt, id],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async delete(id: Uint8Array): Promise<boolean> {
    const r = await this.pool.query('DELETE FROM attachments WHERE id = $1', [id]);
    return (r.rowCount ?? 0) > 0;
  }

  async deleteExpired(now: number, limit: number): Promise<number> {
    const r = await this.pool.query(
      `DELETE FROM attachments WHERE id IN (
         SELECT id FROM attachments WHERE expires_at <= $1 OR (upload_expires_at <= $1 AND received < size) LIMIT $2)`,
      [now, limit],
    );
    return r.rowCount ?? 0;
  }
}
