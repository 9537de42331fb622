/**
 * What a seized server database tells about its users (issue 9, item 8):
 * registration times only to the day, and no counter of how many envelopes
 * ever passed. Runs on SQLite here and on PostgreSQL in test/e2e-postgres.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, registrationDay } from '../../src/accounts/account-store.js';
import { type Account, register, startTestServer, type TestServer, TestSocket } from '../support/harness.js';

const onPostgres = process.env.TACET_TEST_BACKEND === 'postgres';
const idHex = (a: Account) => Buffer.from(a.id).toString('hex');

/** Every file of `dir` (recursively), read whole. */
function filesOf(dir: string): Buffer[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name)));
}

/** SQLite's record encoding of a millisecond timestamp: a 6-byte big-endian integer. */
function sqliteInteger48(n: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUIntBE(n, 0, 6);
  return b;
}

/** Connects as `who`, takes every queued envelope, acks them, and waits until the server has deleted them. */
async function drain(url: string, who: Account, expected: number): Promise<void> {
  const s = await TestSocket.open(url, who.auth);
  await s.until(
    () => s.envelopes().length === expected && s.frames.some((f) => f.kind.case === 'queueDrained'),
  );
  s.ack(s.envelopes().map((e) => e.id));
  await s.close();
  // A fresh connection is handed only what is still stored: nothing, once the acks are committed.
  const again = await TestSocket.open(url, who.auth);
  await again.until((f) => f.some((x) => x.kind.case === 'queueDrained'));
  expect(again.envelopes()).toHaveLength(0);
  await again.close();
}

describe('stored metadata', () => {
  let t: TestServer;
  let url: string;
  beforeAll(async () => {
    t = await startTestServer();
    url = t.server.url;
  });
  afterAll(() => t.stop());

  it('keeps registration times to the UTC day only', async () => {
    const before = Date.now();
    const alice = await register(url);
    const after = Date.now();
    const rows = await t.query(`SELECT created_at FROM accounts`);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(Number(r.created_at) % DAY_MS).toBe(0);
    const mine = await t.query(
      onPostgres
        ? `SELECT created_at FROM accounts WHERE id = '\\x${idHex(alice)}'::bytea`
        : `SELECT created_at FROM accounts WHERE id = x'${idHex(alice)}'`,
    );
    expect([registrationDay(before), registrationDay(after)]).toContain(Number(mine[0]?.created_at));
    if (onPostgres) return;
    // Byte level: no file of the server holds the registration's millisecond, in SQLite's integer encoding.
    const files = filesOf(t.dataDir);
    for (let ms = before; ms <= after; ms++) {
      const needle = sqliteInteger48(ms);
      expect(files.some((f) => f.includes(needle))).toBe(false);
    }
  });

  it('keeps no counter of the envelopes that passed through', async () => {
    const start = Date.now();
    const [alice, bob] = await Promise.all([register(url), register(url)]);
    const a = await TestSocket.open(url, alice.auth);
    const traffic = 7;
    for (let i = 0; i < traffic; i++) {
      const { result } = await a.sendAndWait([bob], new TextEncoder().encode(`m${i}`));
      expect(result?.ok).toBe(true);
    }
    await drain(url, bob, traffic);

    if (onPostgres) {
      expect(await t.query('SELECT sequence_name FROM information_schema.sequences')).toEqual([]);
      const [device] = await t.query(
        `SELECT next_seq, queue_length FROM devices WHERE account_id = '\\x${idHex(bob)}'::bytea`,
      );
      expect([Number(device?.next_seq), Number(device?.queue_length)]).toEqual([0, 0]);
    } else {
      const tables = await t.query(`SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'`);
      if (tables.length > 0) expect(await t.query('SELECT * FROM sqlite_sequence')).toEqual([]);
    }

    // The next envelope's queue number is a clock reading, not the count of those before it.
    await a.sendAndWait([bob], new TextEncoder().encode('one more'));
    const queued = await t.query('SELECT seq FROM envelopes');
    expect(queued).toHaveLength(1);
    expect(Number(queued[0]?.seq)).toBeGreaterThanOrEqual(start * 1000);
    await a.close();
  });
});
