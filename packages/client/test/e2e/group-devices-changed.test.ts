/**
 * A group send pauses for a verified member whose device list changed, as a
 * 1:1 send does (device-changes.test.ts): Alice verified Bob, Bob links his
 * laptop; once Alice's client learns of it, her group message is not sent
 * (DevicesChanged, in plain words naming `tacet accept bob`), stays queued,
 * and goes — to both of Bob's devices — once she accepts the change. The
 * same when Bob removes a device that already had Alice's sender key:
 * nothing new to hand out, but the group send waits all the same. And when
 * nobody told Alice yet, her group send learns it as a 1:1 send does: the
 * server holds the upload to the members' signed lists and names the
 * members left incomplete; she re-checks their lists — an unverified
 * member's new device gets the message, a verified member's pauses it.
 */
import { describe, expect, it } from 'vitest';
import type { ClientError } from '../../src/index.js';
import { eventsOf, groupTexts, type Member, registerMembers } from '../support/groups.js';
import { type Harness, until } from '../support/harness.js';
import { serverEachTest } from '../support/server-each-test.js';

let h: Harness;
serverEachTest((started) => {
  h = started;
});

const has = async (m: Member, body: string) => (await groupTexts(m, 'desk')).some((x) => x.body === body);

/** Alice makes group "desk" with `others`, each reads her first message, and she verifies bob. */
async function deskWithVerifiedBob(alice: Member, others: Member[]): Promise<void> {
  await alice.client.groups.create(
    'desk',
    others.map((m) => m.name),
  );
  for (const m of others)
    await until(async () => (await m.client.groups.list()).length === 1, 20_000, `${m.name} joins`);
  await alice.client.groups.send('desk', 'before');
  for (const m of others) await until(() => has(m, 'before'), 20_000, `${m.name} reads alice`);
  await alice.client.safetyNumber('bob');
  await alice.client.verify('bob');
}

/** Alice's group send of `body` fails with DevicesChanged naming `tacet accept bob`; the message stays queued. */
async function expectPaused(alice: Member, body: string): Promise<void> {
  const refused = await alice.client.groups.send('desk', body).then(
    () => undefined,
    (e: unknown) => e as ClientError,
  );
  expect(refused?.code).toBe('DevicesChanged');
  expect(refused?.message).toMatch(/tacet accept bob/);
  expect((await alice.client.groups.messages('desk')).find((m) => m.body === body)?.status).toBe('pending');
}

describe('a verified member links a device', { timeout: 120_000 }, () => {
  it('the group send waits, kept, until Alice accepts; then both of Bob’s devices get it', async () => {
    const [alice, bob] = await registerMembers(h, ['alice', 'bob']);
    await deskWithVerifiedBob(alice, [bob]);

    const laptop = { name: 'bob-laptop', ...(await h.link(bob.client, 'bob-laptop')) };
    await laptop.client.connect();
    // Bob's laptop posts: Alice hears from a device her verified list of Bob does not name.
    await laptop.client.groups.send('desk', 'from bob’s laptop');
    await until(() => has(alice, 'from bob’s laptop'), 20_000, 'alice reads the laptop');
    await until(
      () => eventsOf(alice, 'devices-changed').some((e) => e.paused === true && e.devices.join() === '1,2'),
      20_000,
      'alice is told, sending paused',
    );

    await expectPaused(alice, 'held until I look');
    await alice.client.groups.send('desk', 'also held').catch(() => undefined);
    expect(await has(bob, 'held until I look')).toBe(false);
    expect(await has(laptop, 'held until I look')).toBe(false);

    expect(await alice.client.acceptDevices('bob')).toBe(true);
    for (const m of [bob, laptop]) {
      await until(() => has(m, 'held until I look'), 20_000, `${m.name} after accepting`);
      await until(() => has(m, 'also held'), 20_000, `${m.name} gets the next one too`);
    }
  });

  it('a removed device pauses the group send too, though nobody needs a sender key', async () => {
    const [alice, bob] = await registerMembers(h, ['alice', 'bob']);
    await alice.client.groups.create('desk', ['bob']);
    await until(async () => (await bob.client.groups.list()).length === 1, 20_000, 'bob joins');
    const laptop = { name: 'bob-laptop', ...(await h.link(bob.client, 'bob-laptop')) };
    await laptop.client.connect();
    await laptop.client.groups.send('desk', 'from bob’s laptop');
    await until(() => has(alice, 'from bob’s laptop'), 20_000, 'alice learns of the laptop');
    // Both of Bob's devices get Alice's sender key with this one.
    await alice.client.groups.send('desk', 'to both');
    for (const m of [bob, laptop]) await until(() => has(m, 'to both'), 20_000, `${m.name} reads alice`);
    await alice.client.safetyNumber('bob');
    await alice.client.verify('bob');

    await bob.client.removeDevice(laptop.client.account.deviceId);
    // Bob's next message carries his list's new version: Alice re-checks it and is told.
    await bob.client.send('alice', 'I removed my laptop');
    await until(
      () => eventsOf(alice, 'devices-changed').some((e) => e.paused === true && e.devices.join() === '1'),
      20_000,
      'alice is told, sending paused',
    );

    await expectPaused(alice, 'after the removal');
    expect(await has(bob, 'after the removal')).toBe(false);

    expect(await alice.client.acceptDevices('bob')).toBe(true);
    await until(() => has(bob, 'after the removal'), 20_000, 'bob after accepting');
  });

  it('a group send learns of new devices itself: reaches an unverified member’s, pauses for a verified one', async () => {
    const [alice, bob, carol] = await registerMembers(h, ['alice', 'bob', 'carol']);
    await deskWithVerifiedBob(alice, [bob, carol]);

    // Carol (not verified) links a tablet and says nothing: Alice's next group message reaches it.
    const tablet = { name: 'carol-tablet', ...(await h.link(carol.client, 'carol-tablet')) };
    await tablet.client.connect();
    await alice.client.groups.send('desk', 'hello tablet');
    await until(() => has(tablet, 'hello tablet'), 20_000, 'carol’s tablet reads alice');
    await until(() => has(bob, 'hello tablet'), 20_000, 'bob reads alice');

    // Bob (verified) links a laptop and says nothing: Alice's group send pauses, kept.
    const laptop = { name: 'bob-laptop', ...(await h.link(bob.client, 'bob-laptop')) };
    await laptop.client.connect();
    await expectPaused(alice, 'held for bob');
    expect(
      eventsOf(alice, 'devices-changed').some((e) => e.paused === true && e.devices.join() === '1,2'),
    ).toBe(true);
    expect(await has(bob, 'held for bob')).toBe(false);

    expect(await alice.client.acceptDevices('bob')).toBe(true);
    for (const m of [bob, laptop, carol, tablet])
      await until(() => has(m, 'held for bob'), 20_000, `${m.name} after accepting`);
  });
});
