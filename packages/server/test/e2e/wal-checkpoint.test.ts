/**
 * SQLite checkpoints run on a worker thread (automatic ones are off on the
 * event loop's connection), so the WAL must still stay bounded under
 * sustained writes, the worker must stop with the server, and a worker that
 * fails must show on the health check rather than silently stop folding
 * the WAL back.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openSqliteStorage } from '../../src/storage/sqlite/index.js';
import { CheckpointWorkerError, WalCheckpointer } from '../../src/storage/sqlite/wal-checkpointer.js';
import { register, startTestServer, type TestServer, TestSocket } from '../support/harness.js';

/** Messages per round, sent without waiting for each other. */
const ROUND = 25;
const CONTENT = new Uint8Array(16 * 1024).fill(7);
/** The server's WAL limit here: low, so the rounds below write several times the bound (the default is 32 MiB). */
const WAL_LIMIT = 4 * 1024 * 1024;
/** What the WAL may reach: the limit, plus what arrives while a checkpoint runs. */
const WAL_BOUND = 3 * WAL_LIMIT;

/** A WAL file's header: 32 bytes, starting with this magic number (its low bit names the checksum byte order). */
const WAL_HEADER_BYTES = 32;
const WAL_MAGIC = 0x377f0682;

const walSize = (dataDir: string) => {
  const wal = join(dataDir, `${DATABASE_FILE}-wal`);
  return existsSync(wal) ? statSync(wal).size : 0;
};

describe.skipIf(process.env.TACET_TEST_BACKEND === 'postgres')('WAL checkpoints on a worker', () => {
  let t: TestServer | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await t?.stop();
    t = undefined;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('keeps the WAL bounded while messages pile up unacked and while they are acked', {
    timeout: 180_000,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tacet-ckpt-'));
    t = await startTestServer({
      dataDir,
      storage: () => openSqliteStorage(dataDir, { walLimitBytes: WAL_LIMIT }),
      maxQueueLength: 10_000,
      maxRetentionSeconds: 3600,
    });
    const url = t.server.url;
    const [alice, bob, carol] = await Promise.all([register(url), register(url), register(url)]);
    const a = await TestSocket.open(url, alice.auth);
    const sendRound = async (to: { id: Uint8Array }) => {
      const requests = new Set(Array.from({ length: ROUND }, () => a.send([to], CONTENT).requestId));
      await a.until(() => a.results().filter((r) => requests.has(r.requestId)).length === ROUND);
      expect(a.results().filter((r) => requests.has(r.requestId) && !r.ok)).toEqual([]);
    };
    // Unacked: nothing is deleted, so only the WAL's size asks for checkpoints. 40 rounds write
    // more than 16 MiB of content, 4x the limit.
    let largest = 0;
    for (let round = 0; round < 40; round++) {
      await sendRound(bob);
      largest = Math.max(largest, walSize(t.dataDir));
    }
    expect(largest).toBeLessThanOrEqual(WAL_BOUND);

    // Acked as they arrive, by a recipient online throughout: deletions and the size both ask.
    // (A backlog acked at once is one transaction as large as the backlog; no checkpoint splits it.)
    const c = await TestSocket.open(url, carol.auth);
    for (let round = 1; round <= 40; round++) {
      await sendRound(carol);
      await c.until(() => c.envelopes().length === round * ROUND, 60_000);
      c.ack(
        c
          .envelopes()
          .slice((round - 1) * ROUND)
          .map((e) => e.id),
      );
      largest = Math.max(largest, walSize(t.dataDir));
    }
    expect(largest).toBeLessThanOrEqual(WAL_BOUND);
    await Promise.all([a.close(), c.close()]);
  });

  it('stops the worker when the storage closes: the last connection removes the WAL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tacet-ckpt-'));
    dirs.push(dir);
    const storage = await openSqliteStorage(dir);
    await storage.accounts.createAccount({
      accountId: new Uint8Array(16).fill(1),
      credentialHash: new Uint8Array(16).fill(2),
      registrationId: 1,
      createdAt: 1,
    });
    expect(existsSync(join(dir, `${DATABASE_FILE}-wal`))).toBe(true);
    await storage.close();
    // SQLite deletes the WAL only when no other connection (the worker's) has the database open.
    expect(existsSync(join(dir, `${DATABASE_FILE}-wal`))).toBe(false);
  });

  it('starts the new WAL on the worker after a TRUNCATE, so the next commit writes no header (and syncs none) on the event loop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tacet-ckpt-'));
    dirs.push(dir);
    const file = join(dir, DATABASE_FILE);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (x INTEGER)');
    db.prepare('INSERT INTO t VALUES (1)').run();
    const checkpointer = new WalCheckpointer(file);
    try {
      const row = await checkpointer.checkpoint('TRUNCATE');
      expect(row.busy).toBe(0);
      // SQLite writes (and fsyncs) a WAL header only into an empty WAL: this one already has it.
      const wal = readFileSync(`${file}-wal`);
      expect(wal.length).toBeGreaterThan(WAL_HEADER_BYTES);
      expect(wal.readUInt32BE(0) & ~1).toBe(WAL_MAGIC);
      db.prepare('INSERT INTO t VALUES (2)').run();
      expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(2);
    } finally {
      await checkpointer.close();
      db.close();
    }
    const reopened = new Database(file, { readonly: true });
    expect(reopened.prepare('SELECT count(*) FROM t').pluck().get()).toBe(2);
    reopened.close();
  });

  it("a RECYCLE keeps the WAL's blocks for the next generation to overwrite, and cuts what an older generation left, deleted data with it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tacet-ckpt-'));
    dirs.push(dir);
    const file = join(dir, DATABASE_FILE);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.pragma('secure_delete = ON');
    db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)');
    const secret = Buffer.from(`secret-${'x'.repeat(40)}`);
    const insert = db.prepare('INSERT INTO t VALUES (?, ?)');
    // One transaction per row, as live sends commit: a WAL of a few hundred frames.
    for (let k = 0; k < 200; k++) insert.run(k, Buffer.concat([secret, Buffer.alloc(3000, k)]));
    const walFile = `${file}-wal`;
    const contains = (path: string, needle: Buffer) =>
      existsSync(path) && readFileSync(path).includes(needle);
    const checkpointer = new WalCheckpointer(file);
    try {
      const first = await checkpointer.checkpoint('RECYCLE');
      expect(first.busy).toBe(0);
      expect(first.log).toBeGreaterThan(200);
      // Restarted, not freed: the file keeps the generation it folded back.
      const kept = statSync(walFile).size;
      expect(first.walBytes).toBe(kept);
      expect(kept).toBe(WAL_HEADER_BYTES + first.log * (4096 + 24));
      // The next writes go over those blocks from the start: the file does not grow.
      for (let k = 200; k < 220; k++) insert.run(k, Buffer.alloc(100, 1));
      expect(statSync(walFile).size).toBe(kept);
      // The secret rows go; the next RECYCLE cuts the rest of the older generation.
      db.prepare('DELETE FROM t WHERE k < 200').run();
      const second = await checkpointer.checkpoint('RECYCLE');
      expect(second.busy).toBe(0);
      expect(statSync(walFile).size).toBeLessThan(kept);
      expect(statSync(walFile).size).toBe(WAL_HEADER_BYTES + second.log * (4096 + 24));
      // The follow-up the truncator asks for (the deletion's generation goes with it).
      expect((await checkpointer.checkpoint('RECYCLE')).busy).toBe(0);
      expect(contains(walFile, secret)).toBe(false);
      expect(contains(file, secret)).toBe(false);
      expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(20);
    } finally {
      await checkpointer.close();
      db.close();
    }
    const reopened = new Database(file, { readonly: true });
    expect(reopened.prepare('SELECT count(*) FROM t').pluck().get()).toBe(20);
    reopened.close();
  });

  it('reports a worker that cannot checkpoint, instead of silently going on without', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tacet-ckpt-'));
    dirs.push(dir);
    const checkpointer = new WalCheckpointer(join(dir, 'missing.sqlite'));
    await expect(checkpointer.checkpoint('PASSIVE')).rejects.toThrow(CheckpointWorkerError);
    expect(checkpointer.failed?.message).toMatch(/checkpoint worker failed .*restart the server/);
    await expect(checkpointer.checkpoint('TRUNCATE')).rejects.toBe(checkpointer.failed);
    await checkpointer.close();
  });
});
