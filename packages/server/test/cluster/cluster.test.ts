/**
 * Three server processes sharing one PostgreSQL database and one Redis
 * prefix, with clients spread over them: messages cross nodes live and
 * while the recipient is offline, and a recipient that moves to another
 * node gets everything once, in each sender's order.
 */
import { solvePow } from '@tacet/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from './support/cluster.js';
import { type ClusterClient, startClusterWithClients } from './support/cluster-client.js';

describe('three nodes on PostgreSQL + Redis', () => {
  let cluster: Cluster;
  let clients: ClusterClient[];

  beforeAll(async () => {
    ({ cluster, clients } = await startClusterWithClients(3, 6));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.disconnect()));
    await cluster?.stop();
  });

  it('registers with a challenge issued by another node (nodes share the PoW secret)', async () => {
    const [first, second] = cluster.urls() as [string, string];
    const challenge = (await (await fetch(`${first}/v1/accounts/challenge`, { method: 'POST' })).json()) as {
      challenge: string;
      bits: number;
    };
    const res = await fetch(`${second}/v1/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        pow: { challenge: challenge.challenge, nonce: solvePow(challenge.challenge, challenge.bits) },
        registrationId: 1,
      }),
    });
    expect(res.status).toBe(201);
  });

  it('delivers live across nodes: everyone to everyone', async () => {
    const expected = new Map<ClusterClient, string[]>();
    await Promise.all(
      clients.flatMap((from) =>
        clients
          .filter((to) => to !== from)
          .map(async (to) => {
            const id = (await from.send(to.id)) as string;
            expected.set(to, [...(expected.get(to) ?? []), id]);
          }),
      ),
    );
    for (const [to, ids] of expected) await to.waitFor(ids, 15_000);
    for (const c of clients) {
      expect(c.received).toHaveLength(5);
      expect(c.node).toBe(clients.indexOf(c) % 3);
    }
  });

  it('keeps messages for an offline recipient and hands them over on another node once, in order', async () => {
    const [recipient, a, b] = [clients[0], clients[1], clients[2]] as [
      ClusterClient,
      ClusterClient,
      ClusterClient,
    ];
    const before = recipient.received.length;
    await recipient.disconnect();
    const fromA: string[] = [];
    const fromB: string[] = [];
    for (let i = 0; i < 15; i++) {
      fromA.push((await a.send(recipient.id)) as string);
      fromB.push((await b.send(recipient.id)) as string);
    }
    await recipient.reconnectAt(2);
    expect(recipient.node).toBe(2);
    await recipient.waitFor([...fromA, ...fromB], 15_000);
    const got = recipient.received.slice(before);
    expect(got).toHaveLength(30);
    expect(got.filter((id) => fromA.includes(id))).toEqual(fromA);
    expect(got.filter((id) => fromB.includes(id))).toEqual(fromB);
  });

  it('gets everything once when moving node while messages keep coming', async () => {
    const recipient = clients[3] as ClusterClient;
    const senders = [clients[1], clients[2], clients[5]] as ClusterClient[];
    const before = recipient.received.length;
    const sent: string[] = [];
    let sending = true;
    const load = Promise.all(
      senders.map(async (s) => {
        while (sending) sent.push((await s.send(recipient.id)) as string);
      }),
    );
    // Messages keep arriving between the moves: a few more acked before each one and after the last.
    const moreSent = (n: number) =>
      expect
        .poll(() => sent.length, { timeout: 20_000, interval: 10 })
        .toBeGreaterThanOrEqual(sent.length + n);
    for (const to of [1, 2, 0]) {
      await moreSent(8);
      await recipient.disconnect();
      await recipient.reconnectAt(to);
      expect(recipient.node).toBe(to);
    }
    await moreSent(8);
    sending = false;
    await load;
    await recipient.waitFor(sent, 15_000);
    const got = recipient.received.slice(before);
    expect(got.length).toBe(sent.length);
    expect(new Set(got)).toEqual(new Set(sent));
  });
});
