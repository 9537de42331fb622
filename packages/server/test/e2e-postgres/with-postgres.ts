/**
 * Runs the server's end-to-end suites (test/e2e) unchanged on the
 * distributed back ends: each file here mocks the e2e harness so that every
 * server it starts stores in a fresh PostgreSQL database (the same one again
 * for the same dataDir, as a restart expects) and fans out through Redis
 * under a prefix of its own. Servers in child processes (the crash test)
 * run as cluster nodes on the same terms. The databases are dropped after
 * the file.
 */
import {
  createTempPostgresDatabase,
  redisUrl,
  type TempPostgresDatabase,
  tempRedisPrefix,
} from '@tacet/testkit';
import pg from 'pg';
import { afterAll } from 'vitest';
import { openPostgresStorage } from '../../src/storage/postgres/index.js';
import { spawnNode } from '../cluster/support/cluster.js';
import type * as ChildProcesses from '../support/child-process.js';
import type * as Harness from '../support/harness.js';

const databases = new Map<string, Promise<TempPostgresDatabase>>();
afterAll(async () => {
  await Promise.all([...databases.values()].map(async (db) => (await db).drop()));
});

function databaseFor(dataDir: string | undefined): Promise<TempPostgresDatabase> {
  const key = dataDir ?? `fresh-${databases.size}`;
  let db = databases.get(key);
  if (!db) {
    db = createTempPostgresDatabase();
    databases.set(key, db);
  }
  return db;
}

async function queryPostgres(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** The harness with `startTestServer` on PostgreSQL + Redis. */
export function withPostgres(harness: typeof Harness): typeof Harness {
  return {
    ...harness,
    async startTestServer(overrides = {}) {
      const db = await databaseFor(overrides.dataDir);
      const started = await harness.startTestServer({
        storage: () => openPostgresStorage({ url: db.url, maxConnections: 4 }),
        redisUrl: redisUrl(),
        redisPrefix: tempRedisPrefix(),
        ...overrides,
      });
      return { ...started, query: (sql) => queryPostgres(db.url, sql) };
    },
  };
}

/** The child-process helper with `spawnServer` starting a node on PostgreSQL + Redis. */
export function withPostgresChildren(children: typeof ChildProcesses): typeof ChildProcesses {
  return {
    ...children,
    async spawnServer(dataDir) {
      const db = await databaseFor(dataDir);
      return spawnNode({ postgresUrl: db.url, redisUrl: redisUrl(), redisPrefix: tempRedisPrefix() });
    },
  };
}
