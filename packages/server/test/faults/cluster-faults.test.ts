/**
 * Fault tests on three nodes sharing PostgreSQL and Redis, each with a load
 * running: Redis killed and started again (wake-ups lost meanwhile are made
 * up for), PostgreSQL shut down and started again (nodes turn unhealthy,
 * refuse sends with a retryable error, recover by themselves), and kill -9
 * of a node (its clients move to survivors). Every acked message must reach
 * its recipient, and the person sees each once (the client drops wire
 * duplicates by envelope id).
 *
 * The PostgreSQL and Redis here are this file's own (temporary, on free
 * ports), never the machine's: `npm run test:faults`, see docs/testing.md.
 */
import { type OwnPostgres, type OwnRedis, startOwnPostgres, startOwnRedis } from '@tacet/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../cluster/support/cluster.js';
import { ClusterClient, startClusterWithClients } from '../cluster/support/cluster-client.js';
import { Load } from '../cluster/support/load.js';

/** Since `before` (received counts), every client saw exactly the ids owed to it, each once. */
function expectExactlyOwed(
  clients: ClusterClient[],
  before: number[],
  owed: Map<ClusterClient, string[]>,
): void {
  clients.forEach((c, i) => {
    const got = c.received.slice(before[i]);
    expect(new Set(got).size).toBe(got.length);
    expect(new Set(got)).toEqual(new Set(owed.get(c) ?? []));
  });
}

const counts = (clients: ClusterClient[]) => clients.map((c) => c.received.length);

/** Acks that show a load is moving: a few per client. */
const FLOWING = 20;

async function healthStatus(url: string): Promise<number | undefined> {
  const res = await fetch(`${url}/healthz`).catch(() => undefined);
  await res?.arrayBuffer();
  return res?.status;
}

describe('cluster faults under load', () => {
  let postgres: OwnPostgres;
  let redis: OwnRedis;
  let cluster: Cluster;
  let clients: ClusterClient[];

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startOwnPostgres(), startOwnRedis()]);
    ({ cluster, clients } = await startClusterWithClients(3, 6, {
      postgresAdminUrl: postgres.adminUrl,
      redisUrl: redis.url,
    }));
  }, 60_000);
  afterAll(async () => {
    await redis?.start();
    await postgres?.start().catch(() => {}); // already up unless a test failed while it was down
    await Promise.all((clients ?? []).map((c) => c.disconnect()));
    await cluster?.stop();
    await Promise.all([redis?.stop(), postgres?.stop()]);
  });

  it('Redis killed: wake-ups lost meanwhile are made up for, nothing is lost', async () => {
    const urls = cluster.urls();
    // Quiet recipients hear only from other nodes, only while Redis is down.
    const quiet = await Promise.all([0, 1, 2].map((i) => ClusterClient.create(urls, i)));
    const before = counts(clients);
    const load = new Load(clients);
    const quietOwed = new Map<ClusterClient, string[]>();
    await load.progress(FLOWING);
    await redis.kill();
    try {
      await Promise.all(
        quiet.map(async (q, i) => {
          const sender = clients[(i + 1) % 3] as ClusterClient; // on node i + 1
          for (let n = 0; n < 5; n++)
            quietOwed.set(q, [...(quietOwed.get(q) ?? []), (await sender.send(q.id)) as string]);
        }),
      );
    } finally {
      await redis.start();
    }
    await Promise.all([...quietOwed].map(([q, ids]) => q.waitFor(ids, 15_000)));
    await load.progress(FLOWING);
    await load.stop();
    const owed = await load.allDelivered(15_000);
    expectExactlyOwed(clients, before, owed);
    for (const q of quiet) {
      expect(q.received).toEqual(quietOwed.get(q));
      await q.disconnect();
    }
  }, 90_000);

  it('PostgreSQL down: nodes turn unhealthy, refuse sends as retryable, and recover', async () => {
    const urls = cluster.urls();
    const before = counts(clients);
    const load = new Load(clients);
    await load.progress(FLOWING);
    await postgres.shutdown();
    try {
      // Down until every node has noticed, however slowly it polls under load.
      for (const url of urls) {
        await expect.poll(() => healthStatus(url), { timeout: 20_000, interval: 50 }).toBe(503);
      }
      // Sends meanwhile are answered `unavailable` (retryable), not acked.
      await expect
        .poll(() => clients.reduce((n, c) => n + (c.refusals.get('unavailable') ?? 0), 0), {
          timeout: 20_000,
          interval: 50,
        })
        .toBeGreaterThan(0);
    } finally {
      await postgres.start();
    }
    // Recovery without help: every node healthy again, and the load moves.
    for (const url of urls) {
      await expect.poll(() => healthStatus(url), { timeout: 20_000, interval: 100 }).toBe(200);
    }
    await load.progress(FLOWING);
    await load.stop();
    const owed = await load.allDelivered(15_000);
    expectExactlyOwed(clients, before, owed);
  }, 90_000);

  it('kill -9 of a node: its clients move to survivors and every acked message arrives once', async () => {
    const before = counts(clients);
    const load = new Load(clients);
    await load.progress(FLOWING);
    await cluster.kill(1);
    // Every client sends again, so those of node 1 have moved.
    await load.progress(FLOWING * 3);
    await load.stop();
    for (const c of clients) expect([0, 2]).toContain(c.node);
    const owed = await load.allDelivered(15_000);
    expectExactlyOwed(clients, before, owed);
  }, 90_000);
});
