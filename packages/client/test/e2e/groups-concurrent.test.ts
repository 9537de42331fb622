/**
 * Two group changes made at the same time, with real clients on a real
 * server (issue 11, item 1). One admin is offline while the other changes
 * the group, then changes it too, on the state it last saw: both changes
 * claim the same version. Every member keeps the same winner; the author of
 * the loser makes it again on the winner, or drops it with a notice when it
 * means nothing any more; and a removal is never undone by a change that did
 * not know of it.
 */
import { describe, expect, it } from 'vitest';
import { eventsOf, type Member, reaches, registerMembers, reopenOffline } from '../support/groups.js';
import { type Harness, until } from '../support/harness.js';
import { serverEachTest } from '../support/server-each-test.js';

let h: Harness;
serverEachTest((started) => {
  h = started;
});

/** Who `m` sees in the group, by account id, sorted. */
async function membersOf(m: Member, group: string): Promise<string[]> {
  return (await m.client.groups.get(group)).members.map((x) => x.accountId).sort();
}

/**
 * Alice creates `desk` with bob, carol and dave (bob an admin too if
 * `bobAdmin`); Bob goes offline; `whileAway` runs; Bob comes back offline
 * and `bobDoes` runs on his stale state, then he connects.
 */
async function concurrently(
  bobAdmin: boolean,
  whileAway: (alice: Member) => Promise<unknown>,
  bobDoes: (bob: Member, carolId: string) => Promise<unknown>,
) {
  const [alice, bob, carol, dave] = await registerMembers(h, ['alice', 'bob', 'carol', 'dave']);
  await alice.client.groups.create('desk', ['bob', 'carol', 'dave']);
  if (bobAdmin) await alice.client.groups.promote('desk', 'bob');
  const start = bobAdmin ? 2 : 1;
  for (const m of [bob, carol, dave]) await reaches(m, 'desk', start);
  await h.closeClient(bob.client);
  await whileAway(alice);
  const stale = await reopenOffline(h, bob);
  await bobDoes(stale, carol.client.accountId);
  return { alice, bob: stale, carol, dave, start };
}

describe('concurrent group changes', { timeout: 90_000 }, () => {
  it('a rename that lost to a removal is made again on top of it: every member ends with both', async () => {
    const { alice, bob, carol, dave, start } = await concurrently(
      true,
      (a) => a.client.groups.remove('desk', 'carol'),
      (b) => b.client.groups.rename('desk', 'news desk'),
    );
    const everyone = [alice, bob, dave];
    for (const m of everyone) await reaches(m, 'news desk', start + 2);
    const ids = [alice, bob, dave].map((m) => m.client.accountId).sort();
    for (const m of everyone) {
      expect(await membersOf(m, 'news desk')).toEqual(ids);
      expect((await m.client.groups.get('news desk')).version).toBe(start + 2);
    }
    await until(async () => !(await carol.client.groups.get('desk')).member, 20_000, 'carol is out');
    // Bob's client made it again by itself and says so; nobody was asked to redo anything.
    expect(eventsOf(bob, 'group-changed').map((e) => [e.change, e.by, e.group.version])).toContainEqual([
      'rename',
      bob.client.accountId,
      start + 2,
    ]);
    for (const m of everyone)
      expect(eventsOf(m, 'group-warning').map((w) => w.reason)).not.toContain('displaced');
  });

  it('a stale leave and a removal made at the same time: both people are out on every member', async () => {
    const { alice, bob, carol, dave, start } = await concurrently(
      false,
      (a) => a.client.groups.remove('desk', 'carol'),
      (b) => b.client.groups.leave('desk'),
    );
    for (const m of [alice, dave]) await reaches(m, 'desk', start + 2);
    const ids = [alice, dave].map((m) => m.client.accountId).sort();
    for (const m of [alice, dave]) expect(await membersOf(m, 'desk')).toEqual(ids);
    for (const m of [bob, carol])
      await until(async () => !(await m.client.groups.get('desk')).member, 20_000, `${m.name} is out`);
    // A message after it reaches only those still in.
    const sent = await alice.client.groups.send('desk', 'just us');
    expect((await alice.client.groups.delivery(sent.id)).map((v) => v.name)).toEqual(['dave']);
  });

  it('a removal that lost to the same removal is dropped, with a notice to its author', async () => {
    const { alice, bob, carol, dave, start } = await concurrently(
      true,
      (a) => a.client.groups.remove('desk', 'carol'),
      (b, carolId) => b.client.groups.remove('desk', carolId),
    );
    for (const m of [alice, bob, dave]) await reaches(m, 'desk', start + 1);
    await until(
      () => [alice, bob].some((m) => eventsOf(m, 'group-warning').some((w) => w.reason === 'displaced')),
      20_000,
      'a notice to the loser',
    );
    const notices = [alice, bob].flatMap((m) =>
      eventsOf(m, 'group-warning').filter((w) => w.reason === 'displaced'),
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]?.detail).toMatch(/your remove in desk was dropped/);
    for (const m of [alice, bob, dave]) {
      expect((await m.client.groups.get('desk')).version).toBe(start + 1);
      expect(await membersOf(m, 'desk')).not.toContain(carol.client.accountId);
    }
  });
});
