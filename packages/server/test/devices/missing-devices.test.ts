/**
 * The server's missing-device rule (devices/missing-devices.ts): a send
 * meant for all devices must cover every device of the recipient's signed
 * list except the sending one; a device the list does not name (a ghost of
 * the server's own making) is never asked for; without all_devices (a retry
 * receipt) or without any list nothing is asked for. A group upload held to
 * the lists learns every account it left incomplete, each once.
 */
import { IdentityKeyPair, SignedDeviceList } from '@tacet/protocol';
import type { SendMessage } from '@tacet/wire';
import { describe, expect, it } from 'vitest';
import type { DeviceListStore } from '../../src/devices/device-list-store.js';
import { accountsLeftIncomplete, leavesOutListedDevice } from '../../src/devices/missing-devices.js';

const alice = new Uint8Array(16).fill(1);
const bob = new Uint8Array(16).fill(2);
const key = IdentityKeyPair.generate();
const listOf = (accountId: Uint8Array, ids: number[]) =>
  SignedDeviceList.sign(
    { accountId, version: 1, devices: ids.map((deviceId) => ({ deviceId, registrationId: deviceId })) },
    key.privateKey,
  ).serialize();
const lists = new Map([
  [alice.join(), listOf(alice, [1, 2])],
  [bob.join(), listOf(bob, [1])],
]);
const stored = (a: Uint8Array) => {
  const list = lists.get(a.join());
  return list ? { version: 1, list } : undefined;
};
const store: DeviceListStore = {
  putDeviceList: async () => 'ok',
  getDeviceList: async (a) => stored(a),
  getDeviceLists: async (ids) => ids.map(stored),
};
const send = (to: Array<[Uint8Array, number]>, allDevices = true) =>
  ({
    id: new Uint8Array(16),
    ttlSeconds: 0,
    allDevices,
    envelopes: to.map(([accountId, deviceId]) => ({ accountId, deviceId, content: new Uint8Array(1) })),
  }) as unknown as SendMessage;
const fromBob = { accountId: bob, deviceId: 1 };
/** Whether the rule asks for more, for a send to `to` ("account:device" names) from `from`. */
const asks = (to: string, from = fromBob, allDevices = true) => {
  const ids: Record<string, Uint8Array> = { alice, bob, stranger: new Uint8Array(16).fill(9) };
  const pairs = to.split(' ').map((x) => x.split(':') as [string, string]);
  return leavesOutListedDevice(
    store,
    send(
      pairs.map(([a, d]) => [ids[a] as Uint8Array, Number(d)]),
      allDevices,
    ),
    from,
  );
};

describe('missing device', () => {
  it('asks for a listed device the send leaves out, and for nothing else', async () => {
    expect(await asks('alice:1')).toBe(true);
    expect(await asks('alice:1 alice:2')).toBe(false);
    // A device on the server but outside the signed list is not the sender's to reach.
    expect(await asks('alice:1 alice:2 alice:3')).toBe(false);
    expect(await asks('alice:1', fromBob, false)).toBe(false);
    expect(await asks('stranger:1')).toBe(false);
  });

  it('never asks the sending device for itself, but does for the siblings a send addresses', async () => {
    expect(await asks('bob:1 alice:2', { accountId: alice, deviceId: 1 })).toBe(false);
    expect(await asks('bob:1 alice:2', { accountId: alice, deviceId: 2 })).toBe(true);
  });

  it('names every account a group upload leaves incomplete, each once, and no other', async () => {
    const carol = new Uint8Array(16).fill(3);
    lists.set(carol.join(), listOf(carol, [1, 2, 3]));
    const to = (pairs: Array<[Uint8Array, number]>) =>
      pairs.map(([accountId, deviceId]) => ({ accountId, deviceId }));
    const fromDave = { accountId: new Uint8Array(16).fill(4), deviceId: 1 };
    const missing = await accountsLeftIncomplete(
      store,
      to([
        [alice, 1],
        [bob, 1],
        [carol, 1],
        [carol, 3],
      ]),
      fromDave,
    );
    expect(missing.map((a) => a[0])).toEqual([1, 3]);
    const complete = to([
      [alice, 1],
      [alice, 2],
      [bob, 1],
      [carol, 1],
      [carol, 2],
      [carol, 3],
    ]);
    expect(await accountsLeftIncomplete(store, complete, fromDave)).toEqual([]);
    // The sending device of carol's account is not asked for itself.
    expect(
      await accountsLeftIncomplete(
        store,
        to([
          [carol, 1],
          [carol, 3],
        ]),
        { accountId: carol, deviceId: 2 },
      ),
    ).toEqual([]);
  });
});
