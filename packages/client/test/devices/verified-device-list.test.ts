/**
 * The sender's device-list rule on its own: which bundle answers pass, which
 * are refused with which code, and when the newest verified list is kept.
 */
import { IdentityKeyPair, type PreKeyBundle, SignedDeviceList } from '@tacet/protocol';
import { formatAccountId, toBase64Url } from '@tacet/wire';
import { describe, expect, it } from 'vitest';
import { checkServedBundles, listedOnly, verifiedList } from '../../src/devices/verified-device-list.js';
import { ClientError } from '../../src/errors.js';
import { NS, ProtocolStores } from '../../src/sessions/protocol-stores.js';
import type { ClientStore } from '../../src/store/types.js';
import { recordStore } from '../support/record-store.js';

const bob = IdentityKeyPair.generate();
const bobId = new Uint8Array(16).fill(3);
const peer = formatAccountId(bobId);
const served = (version: number, devices: [number, number][], key = bob) =>
  toBase64Url(
    SignedDeviceList.sign(
      {
        accountId: bobId,
        version,
        devices: devices.map(([deviceId, registrationId]) => ({ deviceId, registrationId })),
      },
      key.privateKey,
    ).serialize(),
  );
const bundle = (deviceId: number, registrationId: number) => ({ deviceId, registrationId }) as PreKeyBundle;

let backing: ClientStore;
const fresh = () => {
  backing = recordStore();
  return new ProtocolStores(backing);
};

async function check(stores: ProtocolStores, list: string | undefined, bundles: PreKeyBundle[], key = bob) {
  try {
    const r = await checkServedBundles(stores, peer, 'bob', key.publicKey, list, bundles);
    r.remember();
    await backing.apply({ records: stores.takeWrites() });
    return r.bundles.map((b) => b.deviceId);
  } catch (e) {
    if (!(e instanceof ClientError)) throw e;
    stores.takeWrites();
    return e.code;
  }
}

describe('checkServedBundles', () => {
  it('passes listed devices, refuses an unlisted one or a listed id with another registration id', async () => {
    const stores = fresh();
    const v1 = served(1, [
      [1, 11],
      [2, 22],
    ]);
    expect(await check(stores, v1, [bundle(1, 11), bundle(2, 22)])).toEqual([1, 2]);
    expect(await check(stores, v1, [bundle(1, 11), bundle(3, 33)])).toBe('UnlistedDevice');
    expect(await check(stores, v1, [bundle(2, 99)])).toBe('UnlistedDevice');
    expect((await verifiedList(stores, peer))?.list.version).toBe(1);
  });

  it('keeps the newest list: newer replaces, older, forged and withheld are DeviceListRefused', async () => {
    const stores = fresh();
    expect(await check(stores, served(2, [[1, 11]]), [bundle(1, 11)])).toEqual([1]);
    expect(
      await check(
        stores,
        served(1, [
          [1, 11],
          [5, 55],
        ]),
        [bundle(5, 55)],
      ),
    ).toBe('DeviceListRefused');
    expect(
      await check(
        stores,
        served(2, [
          [1, 11],
          [5, 55],
        ]),
        [bundle(5, 55)],
      ),
    ).toBe('DeviceListRefused');
    expect(await check(stores, served(3, [[1, 11]], IdentityKeyPair.generate()), [bundle(1, 11)])).toBe(
      'DeviceListRefused',
    );
    expect(await check(stores, undefined, [bundle(1, 11)])).toBe('DeviceListRefused');
    expect(await check(stores, served(3, [[5, 55]]), [bundle(5, 55)])).toEqual([5]);
    expect((await verifiedList(stores, peer))?.list.version).toBe(3);
    // Device 1, learnt earlier, is no longer listed: it gets no copy.
    expect(await listedOnly(stores, peer, [1, 5])).toEqual([5]);
  });

  it('with no list ever seen or served (an older client) the bundles pass as before', async () => {
    const stores = fresh();
    expect(await check(stores, undefined, [bundle(1, 11), bundle(2, 22)])).toEqual([1, 2]);
    expect(await listedOnly(stores, peer, [1, 2])).toEqual([1, 2]);
  });

  it('leaves a changed identity key to the safety-number check, taking no list signed by it', async () => {
    const stores = fresh();
    await backing.apply({ records: [{ ns: NS.identity, key: peer, value: bob.publicKey.serialize() }] });
    const mallory = IdentityKeyPair.generate();
    expect(await check(stores, served(9, [[1, 11]], mallory), [bundle(1, 11)], mallory)).toEqual([1]);
    expect(await verifiedList(stores, peer)).toBeUndefined();
  });
});
