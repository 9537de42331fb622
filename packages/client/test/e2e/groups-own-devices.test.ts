/**
 * Groups across one's own devices (issues 13 + 11): a device Alice links
 * gets her groups over the provisioning channel — state, version, members,
 * admins, timer — with a sender key of its own, and can send in them and
 * read them at once. What one of her devices sends in a group, and every
 * change it makes, reaches her other devices too: they show it as sent by
 * her and apply the change. Real clients on a real server (SQLite).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { nodeFileSink, prepareFile } from '../../src/index.node.js';
import { HttpApi } from '../../src/transport/http-api.js';
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

  it('what Alice sends and changes on her phone shows on her laptop; Bob reaches both', async () => {
    const [alice, bob, carol] = await registerMembers(h, ['alice', 'bob', 'carol']);
    await alice.client.groups.create('desk', ['bob']);
    await until(async () => (await bob.client.groups.list()).length === 1, 20_000, 'bob joins');
    const laptop = { name: 'alice-laptop', ...(await h.link(alice.client, 'alice-laptop')) };
    await laptop.client.connect();

    const sent = await alice.client.groups.send('desk', 'from the phone');
    const onLaptop = async () => (await laptop.client.groups.messages('desk')).find((m) => m.id === sent.id);
    await until(async () => (await onLaptop()) !== undefined, 20_000, 'the laptop shows the phone’s message');
    expect(await onLaptop()).toMatchObject({ direction: 'out', status: 'sent', body: 'from the phone' });
    await until(async () => (await groupTexts(bob, 'desk')).length === 1, 20_000, 'bob reads the phone');
    // Only Bob's receipt counts for ✓✓ (the laptop sends none).
    await until(
      async () => (await alice.client.store.getMessage(sent.id))?.status === 'delivered',
      20_000,
      'delivered to bob',
    );

    await bob.client.groups.send('desk', 'hi both');
    for (const m of [alice, laptop])
      await until(
        async () => (await groupTexts(m, 'desk')).some((x) => x.body === 'hi both'),
        20_000,
        `${m.name} reads bob`,
      );

    // The phone adds Carol: the laptop applies it, and its next message reaches her.
    await alice.client.groups.add('desk', ['carol']);
    await until(
      async () =>
        (await laptop.client.groups.get('desk')).members.some((m) => m.accountId === carol.client.accountId),
      20_000,
      'the laptop shows carol as a member',
    );
    expect(await laptop.client.groups.get('desk')).toEqual(await alice.client.groups.get('desk'));
    await laptop.client.groups.send('desk', 'welcome carol');
    await until(async () => (await groupTexts(carol, 'desk')).length === 1, 20_000, 'carol reads the laptop');
    await until(
      async () => (await groupTexts(bob, 'desk')).some((x) => x.body === 'welcome carol'),
      20_000,
      'bob reads the laptop',
    );
    // Bob got the phone's message once (anything doubled would have come before the laptop's).
    expect((await groupTexts(bob, 'desk')).filter((x) => x.body === 'from the phone')).toHaveLength(1);
    await until(
      async () => (await alice.client.groups.messages('desk')).some((x) => x.body === 'welcome carol'),
      20_000,
      'the phone shows the laptop’s message',
    );
    expect(
      (await alice.client.groups.messages('desk')).filter((x) => x.body === 'from the phone'),
    ).toHaveLength(1);

    // A group made on the phone after linking is on the laptop too.
    await alice.client.groups.create('lunch', ['carol']);
    await until(async () => await laptop.client.groups.has('lunch'), 20_000, 'the laptop has lunch');
    for (const m of [alice, laptop, bob, carol]) expect(eventsOf(m, 'error')).toEqual([]);
  });

  it('a device unlinked from the list but kept by the server cannot post or sync as Alice on her phone', async () => {
    const [alice] = await registerMembers(h, ['alice', 'bob']);
    await alice.client.groups.create('desk', ['bob']);
    const laptop = { name: 'alice-laptop', ...(await h.link(alice.client, 'alice-laptop')) };
    await laptop.client.connect();
    await laptop.client.groups.send('desk', 'still linked');
    await until(async () => (await groupTexts(alice, 'desk')).length === 1, 20_000, 'the phone has it');

    // The phone signs a list without the laptop; a hostile server says it removed it but keeps it.
    const removal = vi.spyOn(HttpApi.prototype, 'removeDevice').mockResolvedValue(undefined);
    try {
      await alice.client.removeDevice(laptop.client.account.deviceId);
    } finally {
      removal.mockRestore();
    }
    expect((await alice.client.devices()).map((d) => d.deviceId)).toEqual([1]);

    await laptop.client.groups.send('desk', 'unlinked but here');
    const refusals = () =>
      eventsOf(alice, 'error').filter((e) => /not in your device list/.test(e.error.message)).length;
    const shown = async () => (await groupTexts(alice, 'desk')).some((m) => m.body === 'unlinked but here');
    await until(
      async () => refusals() > 0 || (await shown()),
      20_000,
      'the phone decides on the unlinked device',
    );
    expect(await shown()).toBe(false);
    // Nor does a 1:1 sync transcript from it show as sent by Alice.
    const before = refusals();
    await laptop.client.send('bob', 'to bob, unlinked');
    const shown1to1 = async () =>
      (await alice.client.messages('bob')).some((m) => m.body === 'to bob, unlinked');
    await until(
      async () => refusals() > before || (await shown1to1()),
      20_000,
      'the phone decides on the sync',
    );
    expect(await shown1to1()).toBe(false);
  });

  it('a file Alice posts in the group from her phone waits on the server until her laptop has it too', async () => {
    const [alice, bob] = await registerMembers(h, ['alice', 'bob']);
    await alice.client.groups.create('desk', ['bob']);
    await until(async () => (await bob.client.groups.list()).length === 1, 20_000, 'bob joins');
    const laptop = { name: 'alice-laptop', ...(await h.link(alice.client, 'alice-laptop')) };
    await laptop.client.connect();
    const blobs = () => {
      const dir = join(h.serverDir, 'attachments');
      return existsSync(dir) ? readdirSync(dir).length : 0;
    };
    const path = join(h.tempDir('files'), 'minutes.bin');
    const bytes = new Uint8Array(randomBytes(100_000));
    writeFileSync(path, bytes);
    const sent = await alice.client.groups.sendFile('desk', await prepareFile(path));
    const save = async (m: { client: typeof alice.client; dir: string }, id: string) =>
      readFileSync(
        await m.client.saveAttachment(
          id,
          await nodeFileSink(h.tempDir('saved'), 'minutes.bin', join(m.dir, 'tmp')),
        ),
      );
    const atBob = await until(
      async () => (await bob.client.groups.messages('desk')).find((x) => x.kind === 'attachment'),
      20_000,
      'bob gets the file',
    );
    expect(await save(bob, atBob.id)).toEqual(Buffer.from(bytes));
    expect(blobs()).toBe(1);
    const copy = await until(
      async () => await laptop.client.store.getMessage(sent.id),
      20_000,
      'the laptop’s copy',
    );
    expect(copy).toMatchObject({ direction: 'out', kind: 'attachment' });
    expect(await save(laptop, copy.id)).toEqual(Buffer.from(bytes));
    expect(blobs()).toBe(0);
  });
});
