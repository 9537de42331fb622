/**
 * The device-list store contract: every adapter keeps only a strictly newer
 * version, atomically under concurrent uploads, refuses unknown accounts, and
 * drops the list with its account. Hooked into sqlite.test.ts and postgres.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/storage.js';
import { freshFixtureEachTest, type StorageFixture } from './storage-contract.js';

const rnd = (n: number) => new Uint8Array(randomBytes(n));

async function newAccount(s: Storage): Promise<Uint8Array> {
  const accountId = rnd(16);
  await s.accounts.createAccount({ accountId, credentialHash: rnd(32), registrationId: 1, createdAt: 0 });
  return accountId;
}

export function describeDeviceListContract(name: string, open: () => Promise<StorageFixture>): void {
  describe(`device list contract: ${name}`, () => {
    let s!: Storage;
    freshFixtureEachTest(open, (fx) => {
      s = fx.storage;
    });

    it('stores the first list and replaces it only with a strictly newer version', async () => {
      const a = await newAccount(s);
      expect(await s.deviceLists.getDeviceList(a)).toBeUndefined();
      const v2 = rnd(80);
      expect(await s.deviceLists.putDeviceList(a, 2, v2)).toBe('ok');
      expect(await s.deviceLists.putDeviceList(a, 1, rnd(80))).toBe('stale');
      expect(await s.deviceLists.putDeviceList(a, 2, rnd(80))).toBe('stale');
      expect(await s.deviceLists.getDeviceList(a)).toEqual({ version: 2, list: v2 });
      const top = rnd(134);
      expect(await s.deviceLists.putDeviceList(a, 0xffffffff, top)).toBe('ok');
      expect(await s.deviceLists.getDeviceList(a)).toEqual({ version: 0xffffffff, list: top });
    });

    it('keeps the highest of concurrent uploads', async () => {
      const a = await newAccount(s);
      const lists = Array.from({ length: 20 }, (_, i) => ({ version: i + 1, list: rnd(40) }));
      const results = await Promise.all(
        [...lists].reverse().map((l) => s.deviceLists.putDeviceList(a, l.version, l.list)),
      );
      expect(results[0]).toBe('ok');
      expect(await s.deviceLists.getDeviceList(a)).toEqual(lists[19]);
    });

    it('refuses an unknown account and forgets the list of a deleted one', async () => {
      expect(await s.deviceLists.putDeviceList(rnd(16), 1, rnd(40))).toBe('no_account');
      const a = await newAccount(s);
      await s.deviceLists.putDeviceList(a, 1, rnd(40));
      await s.accounts.deleteAccount(a);
      expect(await s.deviceLists.getDeviceList(a)).toBeUndefined();
      expect(await s.deviceLists.putDeviceList(a, 2, rnd(40))).toBe('no_account');
    });

    it('reads many accounts’ lists at once, in the order asked, past one statement’s worth', async () => {
      const accounts = [];
      for (let i = 0; i < 260; i++) accounts.push(await newAccount(s));
      const lists = accounts.map((_, i) =>
        i % 3 === 0 ? undefined : { version: i + 1, list: rnd(40 + (i % 7)) },
      );
      for (const [i, l] of lists.entries())
        if (l) await s.deviceLists.putDeviceList(accounts[i] as Uint8Array, l.version, l.list);
      const asked = [...accounts].reverse();
      expect(await s.deviceLists.getDeviceLists(asked)).toEqual([...lists].reverse());
      expect(await s.deviceLists.getDeviceLists([rnd(16), accounts[1] as Uint8Array])).toEqual([
        undefined,
        lists[1],
      ]);
      expect(await s.deviceLists.getDeviceLists([])).toEqual([]);
    });
  });
}
