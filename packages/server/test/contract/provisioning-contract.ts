/**
 * The provisioning store contract: a channel lives until its expiry, each
 * slot is written once (a second writer, such as a relay trying to swap a
 * key after the fact, is refused), and closing or expiry drops everything.
 * Hooked into sqlite.test.ts and postgres.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/storage.js';
import { freshFixtureEachTest, type StorageFixture } from './storage-contract.js';

const rnd = (n: number) => new Uint8Array(randomBytes(n));

export function describeProvisioningContract(name: string, open: () => Promise<StorageFixture>): void {
  describe(`provisioning contract: ${name}`, () => {
    let s!: Storage;
    freshFixtureEachTest(open, (fx) => {
      s = fx.storage;
    });

    it('keeps each slot as first written and refuses a second write', async () => {
      const ch = rnd(16);
      expect(await s.provisioning.openChannel(ch, 2000, 1000)).toBe(true);
      expect(await s.provisioning.openChannel(ch, 2000, 1000)).toBe(false);
      expect(await s.provisioning.getSlot(ch, 1, 1000)).toBeUndefined();
      const hello = rnd(34);
      expect(await s.provisioning.putSlot(ch, 1, hello, 1001)).toBe('ok');
      expect(await s.provisioning.putSlot(ch, 1, rnd(34), 1002)).toBe('taken');
      expect(await s.provisioning.getSlot(ch, 1, 1003)).toEqual(hello);
      const big = rnd(64 * 1024);
      expect(await s.provisioning.putSlot(ch, 3, big, 1004)).toBe('ok');
      expect(await s.provisioning.getSlot(ch, 3, 1005)).toEqual(big);
      expect(await s.provisioning.getSlot(ch, 2, 1005)).toBeUndefined();
    });

    it('refuses unknown, expired and closed channels, and sweeps expired ones', async () => {
      expect(await s.provisioning.putSlot(rnd(16), 1, rnd(8), 0)).toBe('no_channel');
      expect(await s.provisioning.getSlot(rnd(16), 1, 0)).toBe('no_channel');
      const old = rnd(16);
      await s.provisioning.openChannel(old, 2000, 1000);
      await s.provisioning.putSlot(old, 1, rnd(8), 1500);
      expect(await s.provisioning.getSlot(old, 1, 2000)).toBe('no_channel');
      expect(await s.provisioning.putSlot(old, 2, rnd(8), 2000)).toBe('no_channel');
      // Opening another channel later sweeps the expired one: even a clock going back finds nothing.
      await s.provisioning.openChannel(rnd(16), 9000, 3000);
      expect(await s.provisioning.getSlot(old, 1, 1500)).toBe('no_channel');
      const done = rnd(16);
      await s.provisioning.openChannel(done, 9000, 3000);
      await s.provisioning.putSlot(done, 1, rnd(8), 3001);
      await s.provisioning.closeChannel(done);
      expect(await s.provisioning.getSlot(done, 1, 3002)).toBe('no_channel');
    });
  });
}
