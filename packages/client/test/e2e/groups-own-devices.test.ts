/**
 * Groups across one's own devices (issues 13 + 11): a device Alice links
 * gets her groups over the provisioning channel — state, version, members,
 * admins, timer — with a sender key of its own, and can send in them and
 * read them at once. Real clients on a real server (SQLite).
 */
import { describe, expect, it } from 'vitest';
import { eventsOf, groupTexts, registerMembers } from '../support/groups.js';
import { type Harness, until } from '../support/harness.js';
import { serverEachTest } from '../support/server-each-test.js';

let h: Harness;
serverEachTest((started) => {
  h = started;
});

describe('groups on a linked device', { timeout: 120_000 }, () => {
  it('a group Alice made before linking is on the new device, which sends and reads in it', async () => {
    const [alice, bob] = await registerMembers(h, ['alice', 'bob']);
    await alice.client.groups.create('desk', ['bob']);
    await alice.client.groups.setTimer('desk', 3600);
    await until(
      async () => (await bob.client.groups.list()).some((g) => g.version === 2),
      20_000,
      'bob joins',
    );

    const laptop = { name: 'alice-laptop', ...(await h.link(alice.client, 'alice-laptop')) };
    const onPhone = await alice.client.groups.get('desk');
    const onLaptop = await laptop.client.groups.get('desk');
    expect(onLaptop).toEqual(onPhone);
    expect(onLaptop).toMatchObject({ version: 2, timerSeconds: 3600, admin: true });

    await laptop.client.connect();
    await laptop.client.groups.send('desk', 'from the laptop');
    await until(async () => (await groupTexts(bob, 'desk')).length === 1, 20_000, 'bob reads the laptop');
    expect(await groupTexts(bob, 'desk')).toEqual([
      { from: alice.client.accountId, body: 'from the laptop' },
    ]);

    await bob.client.groups.send('desk', 'hi both');
    await until(
      async () => (await groupTexts(laptop, 'desk')).some((m) => m.body === 'hi both'),
      20_000,
      'the laptop reads bob',
    );
    expect(eventsOf(laptop, 'error')).toEqual([]);
    expect(eventsOf(bob, 'error')).toEqual([]);
  });
});
