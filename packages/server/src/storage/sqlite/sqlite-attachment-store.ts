/**
 * SQLite adapter of {@link AttachmentStore}: the row (progress, deadlines,
 * acknowledgements) in the database, the bytes in one file per blob under
 * `attachments/` in the data directory, so a 100 MiB blob never passes
 * through the WAL. A piece is written at its offset and synced before the
 * row records it, so after a crash the row never claims bytes the file
 * lacks, and a resumed upload simply overwrites any unrecorded tail.
 * Deletion zeroes the file before unlinking it (no bytes left behind in
 * the data directory), then removes the row (secure_delete is on).
 */
import { mkdirSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  AckResult,
  AppendResult,
  AttachmentInfo,
  AttachmentStore,
  NewAttachment,
} from '../../attachments/attachment-store.js';
import { KeyedLock } from '../../attachments/keyed-lock.js';
import type { SqliteDatabase } from './database.js';
import type { GroupCommitter } from './group-commit.js';

/** Folder of the blob files inside the data directory. */
export const ATTACHMENTS_DIR = 'attachments';
/** Bytes read or zeroed per step: bounds memory per open blob. */
const IO_PIECE = 1024 * 1024;

interface Row {
  id: Buffer;
  size: number;
  received: number;
  credential_hash: Buffer;
  upload_expires_at: number;
  expires_at: number;
  recipients: number;
}

const hex = (id: Uint8Array) => Buffer.from(id).toString('hex');

export class SqliteAttachmentStore implements AttachmentStore {
  private readonly s;
  private readonly dir: string;
  private readonly lock = new KeyedLock();

  constructor(
    db: SqliteDatabase,
    dataDir: string,
    private readonly committer: GroupCommitter,
    /** Called after a commit that deleted rows (schedules the WAL truncation). */
    private readonly onDeleted: () => void = () => {},
  ) {
    this.dir = join(dataDir, ATTACHMENTS_DIR);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.s = {
      insert: db.prepare(
        'INSERT INTO attachments (id, size, credential_hash, upload_expires_at, expires_at, recipients) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      get: db.prepare('SELECT * FROM attachments WHERE id = ?'),
      advance: db.prepare('UPDATE attachments SET received = ? WHERE id = ? AND received = ?'),
      ack: db.prepare('INSERT OR IGNORE INTO attachment_acks (attachment_id, ack_key) VALUES (?, ?)'),
      acks: db.prepare('SELECT count(*) FROM attachment_acks WHERE attachment_id = ?').pluck(),
      delete: db.prepare('DELETE FROM attachments WHERE id = ?'),
      shorten: db.prepare('UPDATE attachments SET expires_at = min(expires_at, ?) WHERE id = ?'),
      expired: db
        .prepare(
          'SELECT id FROM attachments WHERE expires_at <= ? UNION SELECT id FROM attachments WHERE upload_expires_at <= ? AND received < size LIMIT ?',
        )
        .pluck(),
    };
  }

  private path(id: Uint8Array): string {
    return join(this.dir, `${hex(id)}.blob`);
  }

  async create(a: NewAttachment): Promise<void> {
    await this.committer.run(() =>
      this.s.insert.run(a.id, a.size, a.credentialHash, a.uploadExpiresAt, a.expiresAt, a.recipients),
    );
  }

  async get(id: Uint8Array): Promise<AttachmentInfo | undefined> {
    const r = this.s.get.get(id) as Row | undefined;
    if (!r) return undefined;
    return {
      id: new Uint8Array(r.id),
      size: r.size,
      received: r.received,
      credentialHash: new Uint8Array(r.credential_hash),
      uploadExpiresAt: r.upload_expires_at,
      expiresAt: r.expires_at,
      recipients: r.recipients,
    };
  }

  append(
    id: Uint8Array,
    offset: number,
    chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  ): Promise<AppendResult> {
    return this.lock.run(hex(id), async () => {
      const info = await this.get(id);
      if (!info) return { ok: false, reason: 'missing' };
      if (offset !== info.received) return { ok: false, reason: 'offset', received: info.received };
      const file = await open(this.path(id), offset === 0 ? 'w' : 'r+', 0o600);
      let at = offset;
      let overrun = false;
      let failure: unknown;
      try {
        for await (const chunk of chunks) {
          if (at + chunk.length > info.size) {
            overrun = true;
            break;
          }
          await file.write(chunk, 0, chunk.length, at);
          at += chunk.length;
        }
      } catch (err) {
        failure = err;
      }
      // One sync per piece, before the row records it: the row never claims unsynced bytes.
      try {
        await file.datasync();
      } finally {
        await file.close();
      }
      const changed =
        at === offset ? 1 : await this.committer.run(() => this.s.advance.run(at, id, offset).changes);
      // Deleted meanwhile (expiry): leave no file behind.
      if (changed === 0) {
        await this.shred(id);
        return { ok: false, reason: 'missing' };
      }
      if (failure !== undefined) throw failure;
      return overrun ? { ok: false, reason: 'offset', received: at } : { ok: true, received: at };
    });
  }

  async read(id: Uint8Array): Promise<AsyncIterable<Uint8Array> | undefined> {
    const info = await this.get(id);
    if (!info || info.received !== info.size) return undefined;
    // Opened now: a deletion after this point unlinks the name, and this reader keeps its bytes.
    const file = await open(this.path(id), 'r');
    return (async function* () {
      try {
        for (let at = 0; at < info.size; ) {
          const piece = new Uint8Array(Math.min(IO_PIECE, info.size - at));
          const { bytesRead } = await file.read(piece, 0, piece.length, at);
          if (bytesRead === 0) throw new Error('attachment file is shorter than its row');
          at += bytesRead;
          yield bytesRead === piece.length ? piece : piece.subarray(0, bytesRead);
        }
      } finally {
        await file.close();
      }
    })();
  }

  async ack(id: Uint8Array, ackKey: Uint8Array): Promise<AckResult> {
    const last = await this.committer.run(() => {
      const info = this.s.get.get(id) as Row | undefined;
      if (!info) return undefined;
      this.s.ack.run(id, ackKey);
      return (this.s.acks.get(id) as number) >= info.recipients;
    });
    if (last === undefined) return 'missing';
    if (!last) return 'kept';
    await this.delete(id);
    return 'deleted';
  }

  shortenDeadline(id: Uint8Array, expiresAt: number): Promise<boolean> {
    return this.committer.run(() => this.s.shorten.run(expiresAt, id).changes > 0);
  }

  delete(id: Uint8Array): Promise<boolean> {
    return this.lock.run(hex(id), async () => {
      const removed = await this.committer.run(() => this.s.delete.run(id).changes > 0);
      await this.shred(id);
      if (removed) this.onDeleted();
      return removed;
    });
  }

  async deleteExpired(now: number, limit: number): Promise<number> {
    const ids = this.s.expired.all(now, now, limit) as Buffer[];
    let n = 0;
    for (const id of ids) if (await this.delete(new Uint8Array(id))) n++;
    return n;
  }

  /** Overwrites the blob file with zeros, syncs, and unlinks it; nothing if there is none. */
  private async shred(id: Uint8Array): Promise<void> {
    const path = this.path(id);
    let file: Awaited<ReturnType<typeof open>>;
    try {
      file = await open(path, 'r+');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      const { size } = await file.stat();
      const zeros = new Uint8Array(Math.min(IO_PIECE, size));
      for (let at = 0; at < size; at += zeros.length)
        await file.write(zeros, 0, Math.min(zeros.length, size - at), at);
      await file.datasync();
    } finally {
      await file.close();
    }
    await unlink(path);
  }
}
