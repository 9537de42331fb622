/**
 * The storage contract against a real PostgreSQL database (created and
 * dropped per test), plus what only the networked adapter has to prove:
 * group commit, commit order of sequence numbers across nodes, concurrent
 * migrations, key claims from several pools.
 */
import { createTempPostgresDatabase, type TempPostgresDatabase } from '@tacet/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStorage } from '../../src/storage/postgres/index.js';
import type { Storage } from '../../src/storage/storage.js';
import { describeStorageContracts } from './all-contracts.js';

describeStorageContracts('postgres', async () => {
  const db = await createTempPostgresDatabase();
  const storage = await openPostgresStorage({ url: db.url, maxConnections: 4 });
  return {
    storage,
    async cleanup() {
      await storage.close();
      await db.drop();
    },
  };
});

const rnd = (n: number) => new Uint8Array(n).map(() => (Math.random() * 256) | 0);

async function newAccount(s: Storage): Promise<Uint8Array> {
  const accountId = rnd(16);
  await s.accounts.createAccount({ accountId, credentialHash: rnd(32), registrationId: 1, createdAt: 0 });
  return accountId;
}

function send(to: Uint8Array, id = rnd(16)) {
  const now = Date.now();
  return {
    id,
    serverTimestamp: now,
    expiresAt: now + 60_000,
    copies: [{ accountId: to, deviceId: 1, content: id }],
  };
}

describe('postgres adapter across nodes', () => {
  let db: TempPostgresDatabase;
  let nodes: Storage[];
  beforeAll(async () => {
    db = await createTempPostgresDatabase();
    // Three nodes opening (and migrating) the same empty database at once.
    nodes = await Promise.all([0, 1, 2].map(() => openPostgresStorage({ url: db.url, maxConnections: 3 })));
  });
  afterAll(async () => {
    await Promise.all(nodes.map((s) => s.close()));
    await db.drop();
  });

  it('concurrent sends share commits', async () => {
    const s = nodes[0] as Storage;
    const a = await newAccount(s);
    const batches: number[] = [];
    s.onCommit = (n) => batches.push(n);
    const results = await Promise.all(Array.from({ length: 200 }, () => s.queue.enqueue(send(a), 10_000)));
    s.onCommit = undefined;
    expect(results.every((r) => r.ok)).toBe(true);
    expect(batches.reduce((x, y) => x + y, 0)).toBe(200);
    expect(batches.length).toBeLessThan(10);
  });

  it('delivers every envelope to a cursor-following reader while three nodes send', async () => {
    const a = await newAccount(nodes[0] as Storage);
    const sent = new Set<string>();
    const sending = Promise.all(
      nodes.map(async (s) => {
        for (let round = 0; round < 10; round++) {
          const reqs = Array.from({ length: 20 }, () => send(a));
          for (const r of reqs) sent.add(Buffer.from(r.id).toString('hex'));
          await Promise.all(reqs.map((r) => s.queue.enqueue(r, 10_000)));
        }
      }),
    );
    // A reader that only ever moves its cursor forward must not skip a row
    // committed later with a smaller sequence number.
    const seen: string[] = [];
    let cursor = 0;
    let done = false;
    void sending.then(() => {
      done = true;
    });
    for (;;) {
      // Read before the fetch: only a fetch that STARTED after every send
      // resolved is sure to see every commit, so only its empty page ends
      // the loop (a fetch in flight when the last commit lands may not).
      const sendsFinished = done;
      const page = await (nodes[1] as Storage).queue.fetch(a, 1, cursor, 100, Date.now());
      for (const e of page) seen.push(Buffer.from(e.id).toString('hex'));
      cursor = page.at(-1)?.seq ?? cursor;
      if (page.length === 0 && sendsFinished) break;
    }
    await sending;
    expect(seen.length).toBe(600);
    expect(new Set(seen)).toEqual(sent);
  });

  it('keeps the same id once when two nodes store it at once', async () => {
    const a = await newAccount(nodes[0] as Storage);
    const req = send(a);
    const results = await Promise.all(nodes.map((s) => s.queue.enqueue(req, 100)));
    expect(results.map((r) => (r.ok ? r.stored : -1)).sort()).toEqual([0, 0, 1]);
    expect(await (nodes[2] as Storage).queue.queueLength(a, 1)).toBe(1);
  });

  it('never gives one one-time key to claims from different nodes', async () => {
    const s = nodes[0] as Storage;
    const a = await newAccount(s);
    const ec = () => new Uint8Array([5, ...rnd(32)]);
    await s.keys.putKeys(
      a,
      1,
      {
        identityKey: ec(),
        signedPreKey: { keyId: 1, publicKey: ec(), signature: rnd(64) },
        pqLastResortPreKey: { keyId: 99, publicKey: rnd(1569), signature: rnd(64) },
        preKeys: Array.from({ length: 30 }, (_, i) => ({ keyId: i + 1, publicKey: ec() })),
      },
      1000,
    );
    const claims = await Promise.all(
      Array.from({ length: 45 }, (_, i) => (nodes[i % 3] as Storage).keys.claimBundle(a, 1)),
    );
    const ids = claims.map((c) => c?.devices[0]?.preKey?.keyId).filter((x) => x !== undefined);
    expect(ids.length).toBe(30);
    expect(new Set(ids).size).toBe(30);
  });

  it('keeps the queue cap exact through acks and expiry', async () => {
    const s = nodes[1] as Storage;
    const a = await newAccount(s);
    const now = Date.now();
    await s.queue.enqueue({ ...send(a), expiresAt: now - 1 }, 3);
    await s.queue.enqueue(send(a), 3);
    const third = send(a);
    await s.queue.enqueue(third, 3);
    expect((await s.queue.enqueue(send(a), 3)).ok).toBe(false);
    expect(await s.queue.deleteExpired(now, 100)).toBe(1);
    expect((await s.queue.enqueue(send(a), 3)).ok).toBe(true);
    expect(await s.queue.ack(a, 1, [third.id])).toBe(1);
    expect((await s.queue.enqueue(send(a), 3)).ok).toBe(true);
    expect((await s.queue.enqueue(send(a), 3)).ok).toBe(false);
  });
});
