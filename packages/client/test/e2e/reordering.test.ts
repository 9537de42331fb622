/**
 * A server that reorders a conversation (issue 9, items 2 and 3): it holds
 * back one of Alice's envelopes and stores it after the next one. History
 * must still show the senders' authenticated order on both sides, and an
 * older timer change must never override a newer one — neither directly nor
 * through the timer a later text carries.
 */
import { parseAccountId } from '@tacet/wire';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageRecord, TacetClient } from '../../src/index.js';
import { Harness, until } from '../support/harness.js';
import { type ReorderingStorage, reorderingStorage } from '../support/reordering-storage.js';

let h: Harness;
let hostile: ReorderingStorage;
beforeEach(() => {
  h = new Harness();
  h.serverDir = h.tempDir('server');
  hostile = reorderingStorage(h.serverDir);
});
afterEach(async () => {
  await h.dispose();
});

const view = (ms: MessageRecord[]) =>
  ms.map((m) => `${m.kind}:${m.kind === 'text' ? m.body : m.timerSeconds}`);

async function history(c: TacetClient, peer: string, count: number): Promise<MessageRecord[]> {
  return until(
    async () => {
      const all = await c.messages(peer);
      return all.length === count ? all : undefined;
    },
    20_000,
    `${count} items`,
  );
}

describe('a server that reorders delivery', { timeout: 60_000 }, () => {
  it('cannot switch the disappearing timer off: an older change never overrides a newer one', async () => {
    const { alice, bob } = await h.startConnectedPair({ storage: hostile.open });
    const bobId = parseAccountId(bob.client.accountId);
    await alice.client.send('bob', 'hi');
    await history(bob.client, 'alice', 1);

    hostile.holdNextFor(bobId);
    await alice.client.setTimer('bob', 0); // held back by the server
    await alice.client.setTimer('bob', 3600);
    await hostile.released(); // stored behind the 1 h change
    const bobSees = await history(bob.client, 'alice', 3);
    expect((await bob.client.contacts.get('alice')).timerSeconds).toBe(3600);

    await bob.client.send('alice', 'reply');
    const aliceSees = await history(alice.client, 'bob', 4);
    expect((await alice.client.contacts.get('bob')).timerSeconds).toBe(3600);
    expect((await bob.client.contacts.get('alice')).timerSeconds).toBe(3600);
    expect(aliceSees.at(-1)?.timerSeconds).toBe(3600);

    // Both changes show as timer items, in the order Alice made them, on both sides.
    expect(view(bobSees)).toEqual(['text:hi', 'timer:0', 'timer:3600']);
    expect(view(aliceSees)).toEqual(['text:hi', 'timer:0', 'timer:3600', 'text:reply']);
    expect(view(await bob.client.messages('alice'))).toEqual(view(aliceSees));
  });

  it('a held-back message lands in its place in history, the same on both sides', async () => {
    const { alice, bob } = await h.startConnectedPair({ storage: hostile.open });
    await alice.client.send('bob', 'one');
    await history(bob.client, 'alice', 1);

    hostile.holdNextFor(parseAccountId(bob.client.accountId));
    await alice.client.send('bob', 'two'); // held back by the server
    await alice.client.send('bob', 'three');
    await hostile.released();
    const bobSees = await history(bob.client, 'alice', 3);
    await bob.client.send('alice', 'four');
    const aliceSees = await history(alice.client, 'bob', 4);

    expect(view(bobSees)).toEqual(['text:one', 'text:two', 'text:three']);
    expect(view(aliceSees)).toEqual(['text:one', 'text:two', 'text:three', 'text:four']);
    expect(view(await bob.client.messages('alice'))).toEqual(view(aliceSees));
  });
});
