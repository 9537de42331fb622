/**
 * Applies pending migrations at start. Several nodes starting together take
 * the same session advisory lock first, so exactly one applies each
 * migration and the others find it done; the lock is released when this
 * function ends, or by the server if the node dies holding it.
 */
import type { PgPool } from './driver.js';
import { PG_MIGRATIONS, type PgMigration } from './migrations/index.js';

/** Advisory lock key: "tacet" + schema, an arbitrary constant shared by every node. */
const MIGRATION_LOCK_KEY = 0x7461636574;

/** Migrates the database behind `pool` to the newest schema. */
export async function migrate(
  pool: PgPool,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)',
      );
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((r) => r.version));
      for (const m of migrations) {
        if (applied.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.up);
          await client.query(
            'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
            [m.version, m.name, Date.now()],
          );
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    client.release(broken ?? false);
  }
}
