/**
 * Groups end to end (issue 11): real clients on a real server (SQLite).
 * Changes travel signed and sealed 1:1; messages go once, under sender keys,
 * through the multi-recipient upload.
 */
import { join } from 'node:path';
import { groupDecrypt, IdentityKeyPair, ProtocolAddress, sealedSenderDecryptToUsmc } from '@tacet/protocol';
import { formatAccountId, parseAccountId } from '@tacet/wire';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadGroup } from '../../src/groups/group-book.js';
import { encodeSignedGroupChange } from '../../src/groups/group-codec.js';
import { signGroupChange } from '../../src/groups/group-transition.js';
import { senderKeys } from '../../src/groups/sender-keys.js';
import { ProtocolStores } from '../../src/sessions/protocol-stores.js';
import { fromHex } from '../../src/util.js';
import { comeBack, eventsOf, groupTexts, reaches, registerMembers } from '../support/groups.js';
import { type Harness, until } from '../support/harness.js';
import { serverEachTest } from '../support/server-each-test.js';

/** What the server still holds for an account (its queued envelope contents). */
function queuedFor(accountId: string): Uint8Array[] {
  const db = new Database(join(h.serverDir, 'tacet.sqlite'), { readonly: true });
  try {
    const rows = db
      .prepare('SELECT content FROM envelopes WHERE account_id = ?')
      .all(parseAccountId(accountId));
    return (rows as { content: Buffer }[]).map((r) => new Uint8Array(r.content));
  } finally {
    db.close();
  }
}

/** A server that loses everything it holds for an account. */
function dropQueued(accountId: string): number {
  const db = new Database(join(h.serverDir, 'tacet.sqlite'));
  db.pragma('busy_timeout = 5000');
  try {
    return db.prepare('DELETE FROM envelopes WHERE account_id = ?').run(parseAccountId(accountId)).changes;
  } finally {
    db.close();
  }
}

let h: Harness;
serverEachTest((started) => {
  h = started;
});

describe('groups on a real server', { timeout: 60_000 }, () => {
  it('create and chat: every member reads every message, with its sender; ✓✓ once all have it', async () => {
    const [alice, bob, carol] = await registerMembers(h, ['alice', 'bob', 'carol']);
    const created = await alice.client.groups.create('desk', ['bob', 'carol']);
    expect(created.members.map((m) => m.name).sort()).toEqual(['bob', 'carol', 'you']);
    for (const m of [bob, carol])
      await until(async () => (await m.client.groups.list()).length === 1, 20_000, `${m.name} joins`);
    expect((await bob.client.groups.get('desk')).admin).toBe(false);

    const sent = await alice.client.groups.send('desk', 'hello desk');
    for (const m of [bob, carol])
      await until(async () => (await groupTexts(m, 'desk')).length === 1, 20_000, `${m.name} reads`);
    expect(await groupTexts(bob, 'desk')).toEqual([{ from: alice.client.accountId, body: 'hello desk' }]);
    await until(
      async () => (await alice.client.store.getMessage(sent.id))?.status === 'delivered',
      20_000,
      'delivered to all',
    );
    const view = await alice.client.groups.delivery(sent.id);
    expect(view.map((v) => [v.name, v.delivered]).sort()).toEqual([
      ['bob', true],
      ['carol', true],
    ]);

    // Bob and Carol are not each other's contacts: the group pinned their keys.
    await carol.client.groups.send('desk', 'hi all');
    await until(async () => (await groupTexts(bob, 'desk')).length === 2, 20_000, 'bob reads carol');
    expect((await groupTexts(bob, 'desk'))[1]).toEqual({ from: carol.client.accountId, body: 'hi all' });
    expect((await bob.client.contacts.list()).map((c) => c.name)).toEqual(['alice']);
    expect(eventsOf(bob, 'error')).toEqual([]);
  });

  it('add: the new member reads what comes after, never what came before', async () => {
    const [alice, bob, dave] = await registerMembers(h, ['alice', 'bob', 'dave']);
    await alice.client.groups.create('desk', ['bob']);
    await reaches(bob, 'desk', 1);
    await alice.client.groups.send('desk', 'before dave');
    await until(async () => (await groupTexts(bob, 'desk')).length === 1, 20_000, 'bob reads');

    await alice.client.groups.add('desk', ['dave']);
    await reaches(dave, 'desk', 2);
    await reaches(bob, 'desk', 2);
    expect((await dave.client.groups.get('desk')).members).toHaveLength(3);
    await alice.client.groups.send('desk', 'after dave');
    await until(async () => (await groupTexts(dave, 'desk')).length === 1, 20_000, 'dave reads');
    await until(async () => (await groupTexts(bob, 'desk')).length === 2, 20_000, 'bob reads again');
    expect((await groupTexts(dave, 'desk')).map((t) => t.body)).toEqual(['after dave']);
    expect(eventsOf(dave, 'error')).toEqual([]);
  });

  it('remove: the removed member gets nothing afterwards, and the new sender key does not open for her', async () => {
    const [alice, bob, carol] = await registerMembers(h, ['alice', 'bob', 'carol']);
    await alice.client.groups.create('desk', ['bob', 'carol']);
    await reaches(carol, 'desk', 1);
    await alice.client.groups.send('desk', 'one');
    await until(async () => (await groupTexts(carol, 'desk')).length === 1, 20_000, 'carol reads');

    await alice.client.groups.remove('desk', 'carol');
    await until(async () => !(await carol.client.groups.get('desk')).member, 20_000, 'carol is told');
    await reaches(bob, 'desk', 2);
    const bobKeys = await bob.client.identityKey();
    await h.closeClient(carol.client);
    await h.closeClient(bob.client); // so the server keeps Bob's copy for the attack below

    const three = await alice.client.groups.send('desk', 'three');
    expect((await alice.client.groups.delivery(three.id)).map((v) => v.name)).toEqual(['bob']);
    expect(queuedFor(carol.client.accountId)).toEqual([]);

    // A server colluding with Carol (even with Bob's sealing key) hands her Bob's copy: she cannot read it.
    const usmcs = await Promise.all(
      queuedFor(bob.client.accountId).map((c) =>
        sealedSenderDecryptToUsmc(c, { getIdentityKeyPair: async () => bobKeys }),
      ),
    );
    const group = usmcs.filter((u) => u.msgType === 7);
    expect(group).toHaveLength(1);
    const again = await h.reopen(carol.dir, 'carol');
    const carolKeys = senderKeys(new ProtocolStores(again.client.store));
    const aliceAddress = new ProtocolAddress(alice.client.accountId, 1);
    await expect(
      groupDecrypt(aliceAddress, carolKeys, group[0]?.contents as Uint8Array),
    ).rejects.toMatchObject({
      code: 'NoSession',
    });
  });

  it('leave: the others see the member go; the leaver is no longer a member', async () => {
    const [alice, bob, carol] = await registerMembers(h, ['alice', 'bob', 'carol']);
    await alice.client.groups.create('desk', ['bob', 'carol']);
    await reaches(carol, 'desk', 1);
    await carol.client.groups.leave('desk');
    await reaches(alice, 'desk', 2);
    await reaches(bob, 'desk', 2);
    expect((await alice.client.groups.get('desk')).members.map((m) => m.name).sort()).toEqual(['bob', 'you']);
    expect((await carol.client.groups.get('desk')).member).toBe(false);
    await expect(carol.client.groups.send('desk', 'still here?')).rejects.toMatchObject({
      code: 'NotGroupMember',
    });
  });

  it('a forged add by a non-admin and a replayed old add are ignored, with a warning', async () => {
    const [alice, bob, carol] = await registerMembers(h, ['alice', 'bob', 'carol', 'dave']);
    const desk = await alice.client.groups.create('desk', ['bob', 'carol']);
    await alice.client.groups.add('desk', ['dave']);
    await reaches(bob, 'desk', 2);
    await reaches(carol, 'desk', 2);

    // Bob's modified client signs an add of Mallory with his own (non-admin) key.
    const bobStores = new ProtocolStores(bob.client.store);
    const held = await loadGroup(bobStores, fromHex(desk.id));
    const state = held?.log.state;
    if (!held || !state) throw new Error('bob holds no group');
    const mallory = {
      accountId: formatAccountId(crypto.getRandomValues(new Uint8Array(16))),
      identityKey: IdentityKeyPair.generate().publicKey.serialize(),
    };
    const bobKey = await bob.client.identityKey();
    const forged = signGroupChange(state, state.id, bob.client.accountId, bobKey.privateKey, {
      type: 'add',
      members: [mallory],
    });
    await bob.client.groups.sendControl(carol.client.accountId, {
      type: 'change',
      change: encodeSignedGroupChange(forged),
    });
    // ...and replays Alice's genuine add of Dave.
    const oldAdd = held.log.chainSince(1)[0];
    if (!oldAdd) throw new Error('no add on the chain');
    await bob.client.groups.sendControl(carol.client.accountId, {
      type: 'change',
      change: encodeSignedGroupChange(oldAdd),
    });

    await until(() => eventsOf(carol, 'group-warning').length >= 2, 20_000, 'warnings');
    expect(eventsOf(carol, 'group-warning').map((w) => [w.reason, w.signer])).toEqual([
      ['not-admin', bob.client.accountId],
      ['replayed', alice.client.accountId],
    ]);
    const seen = await carol.client.groups.get('desk');
    expect(seen.version).toBe(2);
    expect(seen.members.map((m) => m.accountId)).not.toContain(mallory.accountId);
  });

  it('a member offline through two changes catches up in order', async () => {
    const [alice, bob, carol] = await registerMembers(h, ['alice', 'bob', 'carol']);
    await alice.client.groups.create('desk', ['bob', 'carol']);
    await reaches(carol, 'desk', 1);
    await h.closeClient(carol.client);
    await alice.client.groups.rename('desk', 'news desk');
    await alice.client.groups.setTimer('news desk', 300);
    await reaches(bob, 'news desk', 3);

    const again = await comeBack(h, carol);
    await reaches(again, 'news desk', 3);
    const changes = eventsOf(again, 'group-changed').map((e) => [e.change, e.group.version]);
    expect(changes).toEqual([
      ['rename', 2],
      ['timer', 3],
    ]);
    expect((await again.client.groups.get('news desk')).timerSeconds).toBe(300);
  });

  it('a server that drops a change for one member: the next change shows the gap and the member catches up', async () => {
    const [alice, bob, carol] = await registerMembers(h, ['alice', 'bob', 'carol']);
    await alice.client.groups.create('desk', ['bob', 'carol']);
    await reaches(carol, 'desk', 1);
    await h.closeClient(carol.client);
    await alice.client.groups.rename('desk', 'news desk');
    expect(dropQueued(carol.client.accountId)).toBeGreaterThan(0);
    await alice.client.groups.setTimer('news desk', 300);
    await reaches(bob, 'news desk', 3);

    const again = await comeBack(h, carol);
    await reaches(again, 'news desk', 3);
    expect(eventsOf(again, 'group-warning').map((w) => w.reason)).toEqual(['behind']);
    expect((await again.client.groups.get('news desk')).timerSeconds).toBe(300);
  });
});
