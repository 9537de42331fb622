/**
 * A server that hands one one-time prekey to two senders (issue 9 item 4):
 * the second sender's first message names a prekey the recipient has used
 * up and cannot be decrypted. The recipient answers with a retry receipt;
 * the sender starts a fresh session and sends the message again, once; the
 * recipient shows each message exactly once, and the sender sees ✓✓ only
 * after the recipient really decrypted it.
 */
import { sealedSenderDecryptToUsmc } from '@tacet/protocol';
import { parseAccountId } from '@tacet/wire';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientEvent, TacetClient } from '../../src/index.js';
import { Harness, until } from '../support/harness.js';
import { startHostileServer } from '../support/hostile-key-storage.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.dispose();
});

/** One timeline across all clients, so "✓✓ only after it was decrypted" can be checked. */
function timeline(clients: Record<string, { client: TacetClient }>): string[] {
  const log: string[] = [];
  for (const [name, { client }] of Object.entries(clients)) {
    client.on((e: ClientEvent) => {
      if (e.type === 'message' && e.message.direction === 'in') log.push(`${name} shows ${e.message.body}`);
      if (e.type === 'updated' && e.message.direction === 'out')
        log.push(`${name} ${e.message.body}: ${e.message.status}`);
    });
  }
  return log;
}

async function bodies(c: TacetClient, peer: string, count: number): Promise<string[]> {
  const got = await until(
    async () => {
      const all = await c.messages(peer);
      return all.length >= count ? all : undefined;
    },
    20_000,
    `${count} messages from ${peer}`,
  );
  return got.map((m) => m.body);
}

describe('a one-time prekey handed to two senders', { timeout: 60_000 }, () => {
  it('both messages reach the recipient exactly once; the second sender re-sends once', async () => {
    const hostile = await startHostileServer(h);
    const bob = await h.register('bob');
    const alice = await h.register('alice');
    const carol = await h.register('carol');
    for (const sender of [alice, carol]) await sender.client.addContact(bob.client.accountId, 'bob');
    await bob.client.addContact(alice.client.accountId, 'alice');
    await bob.client.addContact(carol.client.accountId, 'carol');
    const log = timeline({ bob, alice, carol });

    hostile.reuseNextClaimOf(parseAccountId(bob.client.accountId));
    await alice.client.connect();
    await carol.client.connect();
    await alice.client.send('bob', 'from alice');
    await carol.client.send('bob', 'from carol');
    expect(hostile.reused).toBe(1);

    await bob.client.connect();
    expect(await bodies(bob.client, 'alice', 1)).toEqual(['from alice']);
    expect(await bodies(bob.client, 'carol', 1)).toEqual(['from carol']);
    const delivered = await until(async () => {
      const [m] = await carol.client.messages('bob');
      return m?.status === 'delivered' ? m : undefined;
    });
    expect(delivered.body).toBe('from carol');

    // Carol's first copy failed and was answered; she re-sent it once, in a fresh session.
    expect(bob.events.filter((e) => e.type === 'error')).toHaveLength(1);
    expect(log.filter((l) => l.startsWith('carol from carol'))).toEqual([
      'carol from carol: sent',
      'carol from carol: pending',
      'carol from carol: sent',
      'carol from carol: delivered',
    ]);
    expect(log.indexOf('carol from carol: delivered')).toBeGreaterThan(log.indexOf('bob shows from carol'));
    expect(log.filter((l) => l.startsWith('alice from alice'))).toEqual([
      'alice from alice: sent',
      'alice from alice: delivered',
    ]);

    // Both conversations go on, and nothing arrives twice.
    await carol.client.send('bob', 'carol again');
    await alice.client.send('bob', 'alice again');
    expect(await bodies(bob.client, 'carol', 2)).toEqual(['from carol', 'carol again']);
    expect(await bodies(bob.client, 'alice', 2)).toEqual(['from alice', 'alice again']);
    expect(log.filter((l) => l.startsWith('bob shows'))).toHaveLength(4);
  });

  it('a backlog of failed messages costs one retry receipt, and each message is re-sent once', async () => {
    const hostile = await startHostileServer(h);
    const bob = await h.register('bob');
    const alice = await h.register('alice');
    const carol = await h.register('carol');
    for (const sender of [alice, carol]) await sender.client.addContact(bob.client.accountId, 'bob');
    await bob.client.addContact(carol.client.accountId, 'carol');
    const log = timeline({ bob, carol });
    const toCarol = hostile.record(parseAccountId(carol.client.accountId));

    hostile.reuseNextClaimOf(parseAccountId(bob.client.accountId));
    await alice.client.connect();
    await carol.client.connect();
    await alice.client.send('bob', 'from alice');
    for (const body of ['c1', 'c2', 'c3']) await carol.client.send('bob', body);

    await bob.client.connect();
    expect(await bodies(bob.client, 'carol', 3)).toEqual(['c1', 'c2', 'c3']);
    await until(async () => (await carol.client.messages('bob')).every((m) => m.status === 'delivered'));
    expect(bob.events.filter((e) => e.type === 'error')).toHaveLength(3);
    for (const body of ['c1', 'c2', 'c3']) {
      expect(log.filter((l) => l.startsWith(`carol ${body}:`))).toEqual([
        `carol ${body}: sent`,
        `carol ${body}: pending`,
        `carol ${body}: sent`,
        `carol ${body}: delivered`,
      ]);
    }
    expect(log.filter((l) => l.startsWith('bob shows'))).toHaveLength(4);

    // What reached Carol: delivery receipts, and exactly one retry receipt (sealed plaintext, type 8).
    const carolIdentity = await carol.client.identityKey();
    const types = await Promise.all(
      toCarol.map(
        async (c) =>
          (await sealedSenderDecryptToUsmc(c.content, { getIdentityKeyPair: async () => carolIdentity }))
            .msgType,
      ),
    );
    expect(types.filter((t) => t === 8)).toHaveLength(1);
  });
});
