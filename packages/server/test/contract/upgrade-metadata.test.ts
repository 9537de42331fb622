/**
 * Migration 002 on a database written by the first schema (SQLite and
 * PostgreSQL): the lifetime envelope counter and the millisecond
 * registration times are gone, and the envelopes still queued are delivered
 * in their order, before anything sent after the upgrade.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTempPostgresDatabase } from '@tacet/testkit';
import Database from 'better-sqlite3';
import pg from 'pg';
import { expect, it } from 'vitest';
import { DAY_MS } from '../../src/accounts/account-store.js';
import { createPool } from '../../src/storage/postgres/driver.js';
import { openPostgresStorage } from '../../src/storage/postgres/index.js';
import { migrate } from '../../src/storage/postgres/migrate.js';
import { PG_MIGRATIONS } from '../../src/storage/postgres/migrations/index.js';
import { DATABASE_FILE } from '../../src/storage/sqlite/database.js';
import { openSqliteStorage } from '../../src/storage/sqlite/index.js';
import { MIGRATIONS } from '../../src/storage/sqlite/migrations/index.js';
import type { Storage } from '../../src/storage/storage.js';

const REGISTERED = Date.UTC(2026, 3, 14, 9, 26, 53, 589);
const SENT = 50;
const QUEUED = 5;
const account = Buffer.alloc(16, 0xa1);
const drained = Buffer.alloc(16, 0xb2);
const idOf = (i: number) => Buffer.from(`envelope-${String(i).padStart(7, '0')}`);

/** The queue after the upgrade: the old rows in order, then one sent now. */
async function expectQueueKeptItsOrder(s: Storage): Promise<void> {
  const now = Date.now();
  const request = { id: idOf(999), serverTimestamp: now, expiresAt: now + 60_000 };
  const ok = await s.queue.enqueue(
    { ...request, copies: [{ accountId: account, deviceId: 1, content: idOf(999) }] },
    100,
  );
  expect(ok).toEqual({ ok: true, stored: 1 });
  const queue = await s.queue.fetch(account, 1, 0, 100, now);
  const expected = [...Array.from({ length: QUEUED }, (_, i) => SENT - QUEUED + i), 999].map(idOf);
  expect(queue.map((e) => Buffer.from(e.id))).toEqual(expected);
}

it('sqlite: an old database loses its traffic counter and fine registration times', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tacet-upgrade-'));
  const old = new Database(join(dir, DATABASE_FILE));
  old.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  old.exec((MIGRATIONS[0] as { up: string }).up);
  old.prepare('INSERT INTO schema_migrations VALUES (1, ?, 0)').run('init');
  for (const id of [account, drained]) {
    old.prepare('INSERT INTO accounts (id, created_at) VALUES (?, ?)').run(id, REGISTERED);
    old.prepare('INSERT INTO devices VALUES (?, 1, ?, 1)').run(id, Buffer.alloc(32));
  }
  const insert = old.prepare(
    'INSERT INTO envelopes (account_id, device_id, id, content, server_ts, expires_at) VALUES (?, 1, ?, ?, 0, ?)',
  );
  for (let i = 0; i < SENT; i++) insert.run(account, idOf(i), idOf(i), Date.now() + 3_600_000);
  old.prepare('DELETE FROM envelopes WHERE seq <= ?').run(SENT - QUEUED);
  expect(old.prepare('SELECT seq FROM sqlite_sequence').pluck().get()).toBe(SENT);
  old.close();

  const s = await openSqliteStorage(dir);
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
  expect(db.prepare('SELECT * FROM sqlite_sequence').all()).toEqual([]);
  expect(db.prepare('SELECT max(seq) FROM envelopes').pluck().get()).toBe(QUEUED);
  expect(db.prepare('SELECT created_at FROM accounts').pluck().all()).toEqual([
    REGISTERED - (REGISTERED % DAY_MS),
    REGISTERED - (REGISTERED % DAY_MS),
  ]);
  db.close();
  await expectQueueKeptItsOrder(s);
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

it('postgres: an old database loses its per-device counters and fine registration times', async () => {
  const tmp = await createTempPostgresDatabase();
  const pool = createPool({ connectionString: tmp.url, max: 2 });
  await migrate(pool, PG_MIGRATIONS.slice(0, 1));
  for (const [id, nextSeq, length] of [
    [account, SENT + 1, QUEUED],
    [drained, 123, 0],
  ] as const) {
    await pool.query('INSERT INTO accounts (id, created_at) VALUES ($1, $2)', [id, REGISTERED]);
    await pool.query('INSERT INTO devices VALUES ($1, 1, $2, 1, $3, $4)', [
      id,
      Buffer.alloc(32),
      nextSeq,
      length,
    ]);
  }
  for (let i = SENT - QUEUED; i < SENT; i++) {
    await pool.query('INSERT INTO envelopes VALUES ($1, 1, $2, $3, $3, 0, $4)', [
      account,
      i + 1,
      idOf(i),
      Date.now() + 3_600_000,
    ]);
  }
  await pool.end();

  const s = await openPostgresStorage({ url: tmp.url, maxConnections: 2 });
  const db = new pg.Client({ connectionString: tmp.url });
  await db.connect();
  const devices = await db.query('SELECT account_id, next_seq FROM devices ORDER BY account_id');
  expect(devices.rows.map((r) => Number(r.next_seq))).toEqual([QUEUED + 1, 0]);
  const seqs = await db.query('SELECT seq FROM envelopes ORDER BY seq');
  expect(seqs.rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5]);
  const created = await db.query('SELECT created_at FROM accounts');
  for (const r of created.rows) expect(Number(r.created_at)).toBe(REGISTERED - (REGISTERED % DAY_MS));
  await db.end();
  await expectQueueKeptItsOrder(s);
  await s.close();
  await tmp.drop();
});
