/**
 * Groups on two server nodes sharing PostgreSQL and Redis (issue 11, item
 * 7): the admin on one node, the members on the other. The one upload is
 * committed by one node and delivered by the other; a removed member gets
 * nothing afterwards.
 */
import { describe, expect, it } from 'vitest';
import { eventsOf, groupTexts, reaches, registerMembers } from '../support/groups.js';
import { type Harness, until } from '../support/harness.js';
import { type TwoNodes, twoNodesEachTest } from '../support/two-nodes.js';

let h: Harness;
let nodes: TwoNodes;

twoNodesEachTest((harness, started) => {
  h = harness;
  nodes = started;
});

describe('groups on PostgreSQL across two nodes', { timeout: 60_000 }, () => {
  it('create and chat, then remove: the removed member hears nothing more', async () => {
    const [alice, bob, carol] = await registerMembers(h, ['alice', 'bob', 'carol'], (i) =>
      i === 0 ? undefined : nodes.second.url,
    );
    await alice.client.groups.create('desk', ['bob', 'carol']);
    await reaches(bob, 'desk', 1);
    await reaches(carol, 'desk', 1);
    const sent = await alice.client.groups.send('desk', 'across nodes');
    await until(
      async () => (await alice.client.store.getMessage(sent.id))?.status === 'delivered',
      20_000,
      '✓✓',
    );
    expect(await groupTexts(carol, 'desk')).toEqual([{ from: alice.client.accountId, body: 'across nodes' }]);

    await alice.client.groups.remove('desk', 'carol');
    await until(async () => !(await carol.client.groups.get('desk')).member, 20_000, 'carol is told');
    await reaches(bob, 'desk', 2);
    const after = await bob.client.groups.send('desk', 'after carol');
    await until(
      async () => (await bob.client.store.getMessage(after.id))?.status === 'delivered',
      20_000,
      'alice has it',
    );
    await carol.client.waitForDrain();
    expect((await groupTexts(carol, 'desk')).map((t) => t.body)).toEqual(['across nodes']);
    expect(eventsOf(carol, 'error')).toEqual([]);
  });
});
