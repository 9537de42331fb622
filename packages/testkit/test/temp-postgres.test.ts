import pg from 'pg';
import { expect, it } from 'vitest';
import { createTempPostgresDatabase, postgresAdminUrl } from '../src/index.js';

async function exists(name: string): Promise<boolean> {
  const c = new pg.Client(postgresAdminUrl());
  await c.connect();
  try {
    return (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await c.end();
  }
}

it('creates an empty database of its own and drops it even while a connection is open', async () => {
  const db = await createTempPostgresDatabase();
  expect(db.name).toMatch(/^tacet_test_[0-9a-f]{12}$/);
  const c = new pg.Client(db.url);
  await c.connect();
  c.on('error', () => {}); // the forced drop terminates this connection
  const { rows } = await c.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
  expect(rows[0].n).toBe(0);
  expect(await exists(db.name)).toBe(true);
  await db.drop();
  await db.drop();
  expect(await exists(db.name)).toBe(false);
  await c.end().catch(() => {});
});
