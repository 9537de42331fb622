/**
 * Replies, reactions, edits and delete for everyone inside a group (issue
 * 11), three real clients on a real server: they travel under the sender key
 * like group messages, and each member checks them against the
 * authenticated sender. The attack acts as a modified client would
 * (groups.act skips the author check client.edit makes): a member editing or
 * deleting someone else's message changes nothing anywhere.
 */
import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../src/index.js';
import { ClientError } from '../../src/index.js';
import { fromHex } from '../../src/util.js';
import { type Member, registerMembers } from '../support/groups.js';
import { type Harness, until } from '../support/harness.js';
import { serverEachTest } from '../support/server-each-test.js';

let h: Harness;
serverEachTest((started) => {
  h = started;
});

/** `m`'s copy of the group message whose text is `body`, once it is there. */
function copyOf(m: Member, body: string): Promise<MessageRecord> {
  return until(
    async () => (await m.client.groups.messages('desk')).find((x) => x.body === body),
    20_000,
    `${m.name} has "${body}"`,
  );
}

/** `m`'s copy of message `id` once `check` holds for it. */
function once(m: Member, id: string, check: (x: MessageRecord | undefined) => boolean, what: string) {
  return until(
    async () => {
      const x = await m.client.store.getMessage(id);
      return check(x) ? (x ?? true) : undefined;
    },
    20_000,
    `${m.name}: ${what}`,
  );
}

describe('message actions in a group', { timeout: 60_000 }, () => {
  it('reply, reactions per member, edit and delete by the author; forged edits and deletes change nothing', async () => {
    const [alice, bob, carol] = await registerMembers(h, ['alice', 'bob', 'carol']);
    await alice.client.groups.create('desk', ['bob', 'carol']);
    for (const m of [bob, carol])
      await until(async () => (await m.client.groups.list()).length === 1, 20_000, `${m.name} joins`);
    const conv = (await alice.client.groups.get('desk')).conversationId;

    const original = await alice.client.groups.send('desk', 'meeting at 6');
    const [bobsCopy, carolsCopy] = [await copyOf(bob, 'meeting at 6'), await copyOf(carol, 'meeting at 6')];

    // Bob replies: every member's copy quotes alice's message by the id all of them know it by.
    await bob.client.groups.send('desk', 'make it 7', { replyTo: bobsCopy.id });
    expect((await copyOf(alice, 'make it 7')).replyTo).toBe(original.id);
    expect((await copyOf(carol, 'make it 7')).replyTo).toBe(carolsCopy.contentId);
    const bobsReply = await copyOf(bob, 'make it 7');
    expect(bobsReply.replyTo).toBe(bobsCopy.contentId);
    // A reply must quote a message of this group, not one of a 1:1 conversation.
    const direct = await bob.client.send('alice', 'just to you');
    await expect(bob.client.groups.send('desk', 'x', { replyTo: direct.id })).rejects.toBeInstanceOf(
      ClientError,
    );

    // Reactions: one per member, kept apart; taking one back leaves the other.
    await bob.client.react(bobsCopy.id, '👍');
    await carol.client.react(carolsCopy.id, '❤️');
    const both = { [bob.client.accountId]: '👍', [carol.client.accountId]: '❤️' };
    await once(alice, original.id, (x) => sameMap(x?.reactions?.members, both), 'two reactions');
    await once(
      carol,
      carolsCopy.id,
      (x) => x?.reactions?.mine === '❤️' && x.reactions.members?.[bob.client.accountId] === '👍',
      'bob’s and her own',
    );
    await bob.client.react(bobsCopy.id, '');
    await once(
      alice,
      original.id,
      (x) => sameMap(x?.reactions?.members, { [carol.client.accountId]: '❤️' }),
      'bob took his back',
    );

    // Alice edits her message: every member shows the new text, marked edited.
    await alice.client.edit(original.id, 'meeting at 7');
    for (const [m, id] of [
      [bob, bobsCopy.id],
      [carol, carolsCopy.id],
    ] as const)
      await once(m, id, (x) => x?.body === 'meeting at 7' && x.editedAt !== undefined, 'edited');

    // Carol, with a modified client, edits and deletes alice's message and bob's reply.
    const aliceTarget = fromHex(original.id);
    const bobTarget = fromHex(bobsReply.id);
    await carol.client.groups.act(conv, { type: 'edit', target: aliceTarget, body: 'forged' }, null);
    await carol.client.groups.act(conv, { type: 'delete', target: aliceTarget }, null);
    await carol.client.groups.act(conv, { type: 'edit', target: bobTarget, body: 'forged' }, null);
    await carol.client.groups.act(conv, { type: 'delete', target: bobTarget }, null);
    // Her later message comes after them in each queue: once it is here, they were applied.
    await carol.client.groups.send('desk', 'after the forgeries');
    await copyOf(alice, 'after the forgeries');
    await copyOf(bob, 'after the forgeries');
    expect((await alice.client.store.getMessage(original.id))?.body).toBe('meeting at 7');
    expect((await bob.client.store.getMessage(bobsCopy.id))?.body).toBe('meeting at 7');
    expect((await bob.client.store.getMessage(bobsReply.id))?.body).toBe('make it 7');
    expect((await copyOf(alice, 'make it 7')).editedAt).toBeUndefined();
    // The public API refuses someone else's message outright.
    await expect(bob.client.edit(bobsCopy.id, 'x')).rejects.toBeInstanceOf(ClientError);
    await expect(bob.client.deleteForEveryone(bobsCopy.id)).rejects.toBeInstanceOf(ClientError);

    // Alice deletes hers for everyone: shredded on every member's side.
    await alice.client.deleteForEveryone(original.id);
    expect(await alice.client.store.getMessage(original.id)).toBeUndefined();
    await once(bob, bobsCopy.id, (x) => x === undefined, 'deleted');
    await once(carol, carolsCopy.id, (x) => x === undefined, 'deleted');
  });

  it('what Alice does on her phone in a group shows on her laptop, by the same rules: only her own messages change', async () => {
    const [alice, bob] = await registerMembers(h, ['alice', 'bob']);
    await alice.client.groups.create('desk', ['bob']);
    await until(async () => (await bob.client.groups.list()).length === 1, 20_000, 'bob joins');
    const laptop: Member = { name: 'alice-laptop', ...(await h.link(alice.client, 'alice-laptop')) };
    await laptop.client.connect();
    const conv = (await alice.client.groups.get('desk')).conversationId;

    await bob.client.groups.send('desk', 'from bob');
    const [bobsOnPhone, bobsOnLaptop] = [await copyOf(alice, 'from bob'), await copyOf(laptop, 'from bob')];
    const mine = await alice.client.groups.send('desk', 'from the phone');
    await copyOf(laptop, 'from the phone');

    await alice.client.groups.send('desk', 'answering bob', { replyTo: bobsOnPhone.id });
    expect((await copyOf(laptop, 'answering bob')).replyTo).toBe(bobsOnLaptop.contentId);
    await alice.client.react(bobsOnPhone.id, '🎉');
    await once(laptop, bobsOnLaptop.id, (x) => x?.reactions?.mine === '🎉', 'her reaction is hers');
    await alice.client.edit(mine.id, 'from the phone, edited');
    await once(laptop, mine.id, (x) => x?.body === 'from the phone, edited', 'edited');

    // A modified client of hers edits bob's message: neither her laptop nor bob takes it.
    await alice.client.groups.act(
      conv,
      { type: 'edit', target: fromHex(bobsOnPhone.contentId ?? ''), body: 'forged' },
      null,
    );
    await alice.client.deleteForEveryone(mine.id);
    await once(laptop, mine.id, (x) => x === undefined, 'deleted');
    expect((await laptop.client.store.getMessage(bobsOnLaptop.id))?.body).toBe('from bob');
    await copyOf(bob, 'answering bob');
    await until(
      async () =>
        !(await bob.client.groups.messages('desk')).some((x) => x.body.startsWith('from the phone')),
      20_000,
      'deleted at bob',
    );
    expect((await copyOf(bob, 'from bob')).body).toBe('from bob');
  });
});

function sameMap(a: Readonly<Record<string, string>> | undefined, b: Record<string, string>): boolean {
  const keys = Object.keys(b);
  return a !== undefined && Object.keys(a).length === keys.length && keys.every((k) => a[k] === b[k]);
}
