/**
 * Fault tests on three nodes sharing PostgreSQL and Redis, each with a load
 * running: Redis restarted (wake-ups lost meanwhile are made up for),
 * PostgreSQL restarted (nodes turn unhealthy, refuse sends with a retryable
 * error, recover by themselves), and kill -9 of a node (its clients move to
 * survivors). Every acked message must reach its recipient, and the person
 * sees each once (the client drops wire duplicates by envelope id).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from './support/cluster.js';
import { ClusterClient, startClusterWithClients } from './support/cluster-client.js';
import { Load } from './support/load.js';
import {
  ensurePostgresRunning,
  ensureRedisRunning,
  restartPostgres,
  withRedisDown,
} from './support/services.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

describe('cluster faults under load', () => {
  let cluster: Cluster;
  let clients: ClusterClient[];

  beforeAll(async () => {
    ({ cluster, clients } = await startClusterWithClients(3, 6));
  }, 60_000);
  afterAll(async () => {
    await ensureRedisRunning();
    await ensurePostgresRunning();
    await Promise.all((clients ?? []).map((c) => c.disconnect()));
    await cluster?.stop();
  });

  it('Redis restarted: wake-ups lost meanwhile are made up for, nothing is lost', async () => {
    const urls = cluster.urls();
    // Quiet recipients hear only from other nodes, only while Redis is down.
    const quiet = await Promise.all([0, 1, 2].map((i) => ClusterClient.create(urls, i)));
    const before = counts(clients);
    const load = new Load(clients);
    const quietOwed = new Map<ClusterClient, string[]>();
    await sleep(300);
    await withRedisDown(1_000, async () => {
      await Promise.all(
        quiet.map(async (q, i) => {
          const sender = clients[(i + 1) % 3] as ClusterClient; // on node i + 1
          for (let n = 0; n < 5; n++)
            quietOwed.set(q, [...(quietOwed.get(q) ?? []), (await sender.send(q.id)) as string]);
        }),
      );
    });
    const ackedBeforeRestart = load.count;
    await Promise.all([...quietOwed].map(([q, ids]) => q.waitFor(ids, 8_000)));
    await sleep(500);
    await load.stop();
    expect(load.count).toBeGreaterThan(ackedBeforeRestart);
    const owed = await load.allDelivered(10_000);
    expectExactlyOwed(clients, before, owed);
    for (const q of quiet) {
      expect(q.received).toEqual(quietOwed.get(q));
      await q.disconnect();
    }
  }, 90_000);

  it('PostgreSQL restarted: nodes turn unhealthy, refuse sends as retryable, and recover', async () => {
    const urls = cluster.urls();
    const unhealthy = new Set<number>();
    let polling = true;
    const poll = (async () => {
      while (polling) {
        await Promise.all(
          urls.map(async (url, i) => {
            const res = await fetch(`${url}/healthz`).catch(() => undefined);
            if (res && res.status === 503) unhealthy.add(i);
            await res?.arrayBuffer();
          }),
        );
        await sleep(25);
      }
    })();
    const before = counts(clients);
    const load = new Load(clients);
    await sleep(300);
    try {
      await restartPostgres();
    } finally {
      polling = false;
      await poll;
    }
    // Recovery without help: every node healthy again within a few seconds.
    for (const url of urls) {
      await expect
        .poll(async () => (await fetch(`${url}/healthz`)).status, { timeout: 10_000, interval: 100 })
        .toBe(200);
    }
    const ackedAfterRecovery = load.count;
    await sleep(500);
    await load.stop();
    expect(load.count).toBeGreaterThan(ackedAfterRecovery);
    expect(unhealthy.size).toBe(3);
    // Sends during the outage were answered `unavailable` (retryable), not acked.
    const refused = clients.reduce((n, c) => n + (c.refusals.get('unavailable') ?? 0), 0);
    expect(refused).toBeGreaterThan(0);
    const owed = await load.allDelivered(10_000);
    expectExactlyOwed(clients, before, owed);
  }, 90_000);

  it('kill -9 of a node: its clients move to survivors and every acked message arrives once', async () => {
    const before = counts(clients);
    const load = new Load(clients);
    await sleep(400);
    const ackedBeforeKill = load.count;
    await cluster.kill(1);
    await sleep(800);
    await load.stop();
    expect(load.count).toBeGreaterThan(ackedBeforeKill);
    for (const c of clients) expect([0, 2]).toContain(c.node);
    const owed = await load.allDelivered(10_000);
    expectExactlyOwed(clients, before, owed);
  }, 90_000);
});
