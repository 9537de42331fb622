/**
 * Two tacet server nodes sharing one PostgreSQL database and one Redis: the
 * harness's own server and a second one, for tests whose people sit on
 * different nodes. `sql` runs a statement on the shared database (a hostile
 * or broken server editing its storage).
 */
import { type RunningServer, startServer } from '@tacet/server';
import {
  createTempPostgresDatabase,
  redisUrl,
  type TempPostgresDatabase,
  tempRedisPrefix,
} from '@tacet/testkit';
import pg from 'pg';
import { afterEach, beforeEach } from 'vitest';
import { Harness } from './harness.js';

export interface TwoNodes {
  readonly second: RunningServer;
  sql(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  dispose(): Promise<void>;
}

/** Starts `h`'s server and a second node on a fresh shared database; `dispose` after `h.dispose()`. */
export async function startTwoNodes(h: Harness): Promise<TwoNodes> {
  const db: TempPostgresDatabase = await createTempPostgresDatabase();
  const shared = { postgresUrl: db.url, redisUrl: redisUrl(), redisPrefix: tempRedisPrefix() };
  await h.startServer(shared);
  const second = await startServer({
    ...shared,
    dataDir: h.tempDir('node-2'),
    port: 0,
    powBits: 4,
    registrationLimit: { burst: 1000, perHour: 100_000 },
    challengeLimit: { burst: 1000, perHour: 100_000 },
    logLevel: 'error',
    logSink: () => undefined,
  });
  return {
    second,
    async sql(text, params = []) {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        return (await c.query(text, params)).rows;
      } finally {
        await c.end();
      }
    },
    async dispose() {
      await second.close();
      await db.drop();
    },
  };
}

/**
 * A fresh harness on two fresh nodes before each test of the calling file
 * (handed to `use`), disposed after it.
 */
export function twoNodesEachTest(use: (h: Harness, nodes: TwoNodes) => void): void {
  let running: { h: Harness; nodes: TwoNodes } | undefined;
  beforeEach(async () => {
    const h = new Harness();
    running = { h, nodes: await startTwoNodes(h) };
    use(running.h, running.nodes);
  });
  afterEach(async () => {
    await running?.h.dispose();
    await running?.nodes.dispose();
    running = undefined;
  });
}
