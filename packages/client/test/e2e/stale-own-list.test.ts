/**
 * A device whose own device list is stale (issue 13 follow-up): Alice's
 * laptop links her tablet, so her phone still holds the list naming phone
 * and laptop only. The tablet's first message to Bob comes to the phone as a
 * sync transcript from a device it does not know: the phone re-fetches the
 * account's signed list, verifies it under the identity key, adopts it and
 * shows the message as sent — and from then on what the phone sends reaches
 * the tablet too. A server that keeps an unlinked device alive and serves
 * the older list that named it, or a list our key never signed, is refused:
 * that device's message is dropped.
 */
import { join } from 'node:path';
import { IdentityKeyPair, SignedDeviceList } from '@tacet/protocol';
import { parseAccountId } from '@tacet/wire';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientEvent, TacetClient } from '../../src/index.js';
import { HttpApi } from '../../src/transport/http-api.js';
import { Harness, until } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.dispose();
});

/** Sets the account's signed list the server serves (WAL: the running server sees the commit). */
function serveList(accountId: string, list: SignedDeviceList): void {
  const db = new Database(join(h.serverDir, 'tacet.sqlite'));
  db.pragma('busy_timeout = 5000');
  db.prepare('UPDATE device_lists SET version = ?, list = ? WHERE account_id = ?').run(
    list.version,
    list.serialize(),
    parseAccountId(accountId),
  );
  db.close();
}

const dropped = (events: ClientEvent[]) =>
  events.filter(
    (e) => e.type === 'error' && /not in your device list|bad list of your devices/.test(e.error.message),
  ).length;

const find = async (c: TacetClient, peer: string, body: string) =>
  until(async () => (await c.messages(peer)).find((m) => m.body === body), 20_000, `"${body}" shown`);

describe('a sibling the own list does not name yet', { timeout: 90_000 }, () => {
  it('the phone re-checks its own signed list and shows what the tablet the laptop linked sent', async () => {
    const { alice, bob } = await h.startConnectedPair();
    const phone = alice.client;
    const laptop = await h.link(phone, 'alice-laptop');
    await laptop.client.connect();
    const tablet = await h.link(laptop.client, 'alice-tablet');
    await tablet.client.connect();
    const bobId = bob.client.accountId;

    await tablet.client.send('bob', 'from my tablet');
    await find(bob.client, phone.accountId, 'from my tablet');
    await find(laptop.client, bobId, 'from my tablet');
    const onPhone = await find(phone, bobId, 'from my tablet');
    expect(onPhone.direction).toBe('out');
    expect(
      alice.events.some((e) => e.type === 'error' && /not in your device list/.test(e.error.message)),
    ).toBe(false);
    expect((await phone.devices()).map((d) => d.deviceId)).toEqual([1, 2, 3]);

    // The phone adopted the newer list: what it sends now shows on the tablet too.
    await phone.send('bob', 'from my phone');
    const onTablet = await find(tablet.client, bobId, 'from my phone');
    expect(onTablet.direction).toBe('out');
  });

  it('a device unlinked since is still refused when the server serves an older list or a forged one', async () => {
    const { alice } = await h.startConnectedPair();
    const phone = alice.client;
    const laptop = await h.link(phone, 'alice-laptop');
    await laptop.client.connect();
    const bobId = (await phone.contacts.get('bob')).accountId;
    await laptop.client.send('bob', 'still linked');
    await find(phone, bobId, 'still linked');
    const named = SignedDeviceList.decode(
      (await phone.store.getRecord('self', 'own-device-list')) as Uint8Array,
    );

    // The phone signs a list without the laptop; a hostile server says it removed it but keeps it.
    const removal = vi.spyOn(HttpApi.prototype, 'removeDevice').mockResolvedValue(undefined);
    try {
      await phone.removeDevice(laptop.client.account.deviceId);
    } finally {
      removal.mockRestore();
    }
    // ...and serves the older list that still names it.
    serveList(phone.accountId, named);
    await laptop.client.send('bob', 'unlinked, old list');
    await until(() => dropped(alice.events) > 0, 20_000, 'the phone refuses the older list');

    // A newer list naming the laptop, signed by a key that is not Alice's.
    const forged = SignedDeviceList.sign(
      { accountId: parseAccountId(phone.accountId), version: 9, devices: named.devices },
      IdentityKeyPair.generate().privateKey,
    );
    serveList(phone.accountId, forged);
    const before = dropped(alice.events);
    await laptop.client.send('bob', 'unlinked, forged list');
    await until(() => dropped(alice.events) > before, 20_000, 'the phone refuses the forged list');
    const bodies = (await phone.messages(bobId)).map((m) => m.body);
    expect(bodies).not.toContain('unlinked, old list');
    expect(bodies).not.toContain('unlinked, forged list');
    expect((await phone.devices()).map((d) => d.deviceId)).toEqual([1]);
  });
});
