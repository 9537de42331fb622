/**
 * Throwaway PostgreSQL databases for tests: each test run creates
 * `tacet_test_<random>` on the local server and drops it at the end, so
 * runs never see each other's rows and leave nothing behind.
 */
import pg from 'pg';
import { uniqueName } from './unique-name.js';

/** The maintenance database tests connect to when creating and dropping theirs. */
export const DEFAULT_POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database that exists until {@link TempPostgresDatabase.drop}. */
export interface TempPostgresDatabase extends AsyncDisposable {
  /** Its name, `tacet_test_<random>`. */
  readonly name: string;
  /** Connection URL for the database. */
  readonly url: string;
  /** Drops it, closing any connection still open to it. Idempotent. */
  drop(): Promise<void>;
}

/** Admin URL: `TACET_TEST_POSTGRES_URL` if set, else the local trust-auth server. */
export function postgresAdminUrl(): string {
  return process.env.TACET_TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_ADMIN_URL;
}

async function admin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function withDatabase(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Creates an empty database.
 * @example
 * await using db = await createTempPostgresDatabase();
 * const storage = await openPostgresStorage({ url: db.url });
 */
export async function createTempPostgresDatabase(
  adminUrl = postgresAdminUrl(),
): Promise<TempPostgresDatabase> {
  const name = uniqueName('tacet_test');
  // The name is ours (hex suffix), never input, so quoting it is enough.
  await admin(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  let dropped: Promise<void> | undefined;
  const drop = () => {
    dropped ??= admin(adminUrl, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    });
    return dropped;
  };
  return { name, url: withDatabase(adminUrl, name), drop, [Symbol.asyncDispose]: drop };
}
