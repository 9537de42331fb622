/**
 * Replies, reactions, edits, delete for everyone, read receipts and account
 * deletion between two real clients over a real server. The attack cases act
 * as a modified client would (sendAction): a peer trying to edit or delete a
 * message it did not write changes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TacetClient } from '../../src/index.js';
import { ClientError } from '../../src/index.js';
import { fromHex } from '../../src/util.js';
import { Harness, until } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.dispose();
});

const find = async (c: TacetClient, peer: string, body: string) =>
  until(async () => (await c.messages(peer)).find((m) => m.body === body), 20_000, `"${body}"`);

/**
 * Sends a marker and waits for it: everything `from` sent before it has been processed.
 * `fromName`: how `to` calls the sender; `toName`: how the sender calls `to`.
 */
async function barrier(from: TacetClient, to: TacetClient, fromName: string, toName: string, n: number) {
  await from.send(toName, `barrier ${n}`);
  await find(to, fromName, `barrier ${n}`);
}

describe('actions on messages', { timeout: 60_000 }, () => {
  it('reply, react, edit and delete for everyone reach the peer; a peer cannot edit or delete what it did not write', async () => {
    const { alice, bob } = await h.startConnectedPair();
    const a = alice.client;
    const b = bob.client;
    const original = await a.send('bob', 'original words');
    const bobsCopy = await find(b, 'alice', 'original words');

    const reply = await b.send('alice', 'a reply', { replyTo: bobsCopy.id });
    const replyAtAlice = await find(a, 'bob', 'a reply');
    expect(replyAtAlice.replyTo).toBe(original.id);
    expect(reply.replyTo).toBe(original.id);

    await a.react(replyAtAlice.id, '👍');
    await until(
      async () => (await b.store.getMessage(reply.id))?.reactions?.theirs === '👍',
      20_000,
      'reaction',
    );
    expect((await a.store.getMessage(replyAtAlice.id))?.reactions).toEqual({ mine: '👍' });

    await a.edit(original.id, 'better words');
    const edited = await until(async () => {
      const m = await b.store.getMessage(bobsCopy.id);
      return m?.body === 'better words' ? m : undefined;
    });
    expect(edited.editedAt).toBeGreaterThan(0);

    // Bob, with a modified client, tries to edit and delete alice's message: refused on her side.
    await b.sendAction('alice', { type: 'edit', target: fromHex(original.id), body: 'forged' });
    await b.sendAction('alice', { type: 'delete', target: fromHex(original.id) });
    await barrier(b, a, 'bob', 'alice', 1);
    expect((await a.store.getMessage(original.id))?.body).toBe('better words');
    // The public API refuses too.
    await expect(b.deleteForEveryone(bobsCopy.id)).rejects.toBeInstanceOf(ClientError);
    await expect(b.edit(bobsCopy.id, 'x')).rejects.toBeInstanceOf(ClientError);

    // Alice deletes her own message for everyone: shredded on both sides.
    const gone: string[] = [];
    b.on((e) => {
      if (e.type === 'expired') gone.push(...e.ids);
    });
    await a.deleteForEveryone(original.id);
    expect(await a.store.getMessage(original.id)).toBeUndefined();
    await until(async () => (await b.store.getMessage(bobsCopy.id)) === undefined, 20_000, 'deleted at bob');
    expect(gone).toContain(bobsCopy.id);
  });

  it('read receipts are off by default; once on, the sender sees "read"', async () => {
    const { alice, bob } = await h.startConnectedPair();
    const a = alice.client;
    const b = bob.client;
    expect(await b.readReceipts()).toBe(false);
    const first = await a.send('bob', 'read me');
    const got = await find(b, 'alice', 'read me');
    await until(
      async () => (await a.store.getMessage(first.id))?.status === 'delivered',
      20_000,
      'delivered',
    );
    await b.markRead([got.id]);
    await barrier(b, a, 'bob', 'alice', 2);
    expect((await a.store.getMessage(first.id))?.status).toBe('delivered');

    await b.setReadReceipts(true);
    await b.markRead([got.id]);
    await until(async () => (await a.store.getMessage(first.id))?.status === 'read', 20_000, 'read');
  });

  it('a read receipt for many messages finds each by id: no read of the whole conversation', async () => {
    const { alice, bob } = await h.startConnectedPair();
    const a = alice.client;
    const b = bob.client;
    await b.setReadReceipts(true);
    const texts = Array.from({ length: 20 }, (_, i) => `read me ${i}`);
    const sent: Array<{ id: string }> = [];
    for (const t of texts) sent.push(await a.send('bob', t));
    await find(b, 'alice', texts[texts.length - 1] as string);
    const theirs = (await b.messages('alice')).filter((m) => texts.includes(m.body));
    const list = a.store.listMessages.bind(a.store);
    let listReads = 0;
    a.store.listMessages = (conv, now) => {
      listReads++;
      return list(conv, now);
    };
    await b.markRead(theirs.map((m) => m.id));
    await until(
      async () => {
        const all = await Promise.all(sent.map((m) => a.store.getMessage(m.id)));
        return all.every((m) => m?.status === 'read');
      },
      20_000,
      'all read',
    );
    expect(listReads).toBe(0);
  });

  it('account deletion removes the account from the server', async () => {
    await h.startServer();
    const alice = await h.register('alice');
    const carol = await h.register('carol');
    const carolId = carol.client.accountId;
    await carol.client.deleteAccount();
    h.clients.delete(carol.client);
    const refused = await alice.client.addContact(carolId, 'carol').catch((e: ClientError) => e);
    expect((refused as ClientError).code).toBe('NoSuchAccount');
  });
});
