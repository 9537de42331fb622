/**
 * The storage contract: one suite every adapter must pass (SQLite now,
 * PostgreSQL later). Call describeStorageContract with a factory that opens
 * a fresh, empty, real database and a cleanup that removes it.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/storage.js';

export interface StorageFixture {
  storage: Storage;
  cleanup(): Promise<void>;
}

/** Opens a fresh fixture from `open` before each test of the enclosing describe and cleans it up after. */
export function freshFixtureEachTest<F extends StorageFixture>(
  open: () => Promise<F>,
  use: (fx: F) => void,
): void {
  let fx: F | undefined;
  beforeEach(async () => {
    fx = await open();
    use(fx);
  });
  afterEach(async () => {
    await fx?.cleanup();
    fx = undefined;
  });
}

const id16 = () => new Uint8Array(randomBytes(16));
const ec = () => new Uint8Array([5, ...randomBytes(32)]);
const kem = () => new Uint8Array([8, ...randomBytes(1568)]);
const sig = () => new Uint8Array(randomBytes(64));
const bytes = (b: Uint8Array) => Buffer.from(b).toString('hex');

export function describeStorageContract(name: string, open: () => Promise<StorageFixture>): void {
  describe(`storage contract: ${name}`, () => {
    let s!: Storage;
    freshFixtureEachTest(open, (fx) => {
      s = fx.storage;
    });

    async function account(): Promise<Uint8Array> {
      const accountId = id16();
      expect(
        await s.accounts.createAccount({
          accountId,
          credentialHash: id16(),
          registrationId: 7,
          createdAt: 1,
        }),
      ).toBe(true);
      return accountId;
    }

    async function withKeys(accountId: Uint8Array, deviceId = 1, oneTime = 0) {
      const identityKey = (await s.keys.getIdentityKey(accountId)) ?? ec();
      const upload = {
        identityKey,
        signedPreKey: { keyId: 1, publicKey: ec(), signature: sig() },
        pqLastResortPreKey: { keyId: 1000, publicKey: kem(), signature: sig() },
        preKeys: Array.from({ length: oneTime }, (_, i) => ({ keyId: i + 1, publicKey: ec() })),
        pqPreKeys: Array.from({ length: oneTime }, (_, i) => ({
          keyId: i + 1,
          publicKey: kem(),
          signature: sig(),
        })),
      };
      expect(await s.keys.putKeys(accountId, deviceId, upload, 1000)).toBe('ok');
      return upload;
    }

    it('creates accounts with device 1 and refuses a duplicate id', async () => {
      const a = await account();
      const device = await s.accounts.getDevice(a, 1);
      expect(device?.registrationId).toBe(7);
      expect(
        await s.accounts.createAccount({
          accountId: a,
          credentialHash: id16(),
          registrationId: 1,
          createdAt: 1,
        }),
      ).toBe(false);
      expect(await s.accounts.getDevice(a, 2)).toBeUndefined();
      expect(await s.accounts.getDevice(id16(), 1)).toBeUndefined();
    });

    it('adds devices up to the maximum', async () => {
      const a = await account();
      expect(await s.accounts.addDevice(a, id16(), 3, 3)).toBe(2);
      expect(await s.accounts.addDevice(a, id16(), 3, 3)).toBe(3);
      expect(await s.accounts.addDevice(a, id16(), 3, 3)).toBeUndefined();
      expect(await s.accounts.addDevice(id16(), id16(), 3, 3)).toBeUndefined();
      expect(await s.accounts.listDeviceIds(a)).toEqual([1, 2, 3]);
    });

    it('removes one device with its keys and queue, leaving the others', async () => {
      const a = await account();
      const second = await s.accounts.addDevice(a, id16(), 9, 5);
      expect(second).toBe(2);
      const key = await withKeys(a, 2, 2);
      expect(await s.accounts.removeDevice(a, 2)).toBe(true);
      expect(await s.accounts.removeDevice(a, 2)).toBe(false);
      expect(await s.accounts.getDevice(a, 2)).toBeUndefined();
      expect(await s.accounts.listDeviceIds(a)).toEqual([1]);
      expect(await s.keys.putKeys(a, 2, { identityKey: key.identityKey }, 1000)).toBe('no_device');
      expect((await s.accounts.getDevice(a, 1))?.registrationId).toBe(7);
    });

    it('never hands out a removed device id again, even the highest one', async () => {
      const a = await account();
      expect(await s.accounts.addDevice(a, id16(), 2, 5)).toBe(2);
      expect(await s.accounts.addDevice(a, id16(), 3, 5)).toBe(3);
      expect(await s.accounts.removeDevice(a, 3)).toBe(true);
      // A contact may still hold a session with device 3 and a trust mark for it.
      expect(await s.accounts.addDevice(a, id16(), 4, 5)).toBe(4);
      expect(await s.accounts.removeDevice(a, 4)).toBe(true);
      expect(await s.accounts.removeDevice(a, 2)).toBe(true);
      expect(await s.accounts.addDevice(a, id16(), 5, 5)).toBe(5);
      expect(await s.accounts.listDeviceIds(a)).toEqual([1, 5]);
      expect((await s.accounts.getDevice(a, 5))?.registrationId).toBe(5);
    });

    it('keeps the first identity key and refuses another', async () => {
      const a = await account();
      const up = await withKeys(a);
      expect(bytes((await s.keys.getIdentityKey(a)) as Uint8Array)).toBe(bytes(up.identityKey));
      expect(await s.keys.putKeys(a, 1, { identityKey: ec() }, 1000)).toBe('identity_key_mismatch');
      expect(await s.keys.putKeys(a, 9, { identityKey: up.identityKey }, 1000)).toBe('no_device');
    });

    it('refuses an upload beyond the one-time key cap and keeps none of it', async () => {
      const a = await account();
      await withKeys(a, 1, 3);
      const preKeys = Array.from({ length: 3 }, (_, i) => ({ keyId: 100 + i, publicKey: ec() }));
      expect(
        await s.keys.putKeys(
          a,
          1,
          { identityKey: (await s.keys.getIdentityKey(a)) as Uint8Array, preKeys },
          5,
        ),
      ).toBe('too_many_keys');
      expect(await s.keys.countOneTimeKeys(a, 1)).toEqual({ preKeys: 3, pqPreKeys: 3 });
    });

    it('hands out each one-time key once, then the last-resort Kyber key', async () => {
      const a = await account();
      const up = await withKeys(a, 1, 2);
      const claims = [
        await s.keys.claimBundle(a, 1),
        await s.keys.claimBundle(a, 1),
        await s.keys.claimBundle(a, 1),
      ];
      expect(claims.map((c) => c?.devices[0]?.preKey?.keyId)).toEqual([1, 2, undefined]);
      expect(claims.map((c) => c?.devices[0]?.pqPreKeyIsLastResort)).toEqual([false, false, true]);
      expect(claims[2]?.devices[0]?.pqPreKey.keyId).toBe(1000);
      expect(bytes(claims[0]?.devices[0]?.signedPreKey.publicKey as Uint8Array)).toBe(
        bytes(up.signedPreKey.publicKey),
      );
      expect(await s.keys.countOneTimeKeys(a, 1)).toEqual({ preKeys: 0, pqPreKeys: 0 });
    });

    it('never gives one one-time key to two concurrent claims', async () => {
      const a = await account();
      await withKeys(a, 1, 40);
      const claims = await Promise.all(Array.from({ length: 60 }, () => s.keys.claimBundle(a, 1)));
      const ids = claims.map((c) => c?.devices[0]?.preKey?.keyId).filter((x) => x !== undefined);
      expect(ids.length).toBe(40);
      expect(new Set(ids).size).toBe(40);
      const pq = claims
        .filter((c) => c?.devices[0]?.pqPreKeyIsLastResort === false)
        .map((c) => c?.devices[0]?.pqPreKey.keyId);
      expect(new Set(pq).size).toBe(40);
    });

    it('claims every device with keys when no device is named', async () => {
      const a = await account();
      await withKeys(a, 1, 1);
      await s.accounts.addDevice(a, id16(), 2, 8);
      await s.accounts.addDevice(a, id16(), 3, 8);
      await withKeys(a, 3, 1);
      const bundle = await s.keys.claimBundle(a, undefined);
      expect(bundle?.devices.map((d) => d.deviceId)).toEqual([1, 3]);
      expect(await s.keys.claimBundle(a, 2)).toBeUndefined();
      expect(await s.keys.claimBundle(id16(), undefined)).toBeUndefined();
    });

    function send(to: Uint8Array[], id = id16(), expiresAt = Date.now() + 60_000) {
      return {
        id,
        serverTimestamp: Date.now(),
        expiresAt,
        copies: to.map((accountId) => ({ accountId, deviceId: 1, content: id16() })),
      };
    }

    it('stores a send for every device or for none', async () => {
      const a = await account();
      const b = await account();
      const result = await s.queue.enqueue(send([a, id16(), b, id16()]), 100);
      expect(result).toEqual({ ok: false, code: 'unknown_recipient', failedIndexes: [1, 3] });
      expect(await s.queue.queueLength(a, 1)).toBe(0);
      expect(await s.queue.enqueue(send([a, b]), 100)).toEqual({ ok: true, stored: 2 });
      expect(await s.queue.queueLength(b, 1)).toBe(1);
    });

    it('counts accounts, devices and queued envelopes for the operator', async () => {
      const before = await s.stats();
      const [a, b] = [await account(), await account()];
      await s.accounts.addDevice(b, id16(), 2, 8);
      expect(await s.queue.enqueue(send([a, b]), 100)).toEqual({ ok: true, stored: 2 });
      const after = await s.stats();
      expect(after).toMatchObject({
        accounts: before.accounts + 2,
        devices: before.devices + 3,
        queuedEnvelopes: before.queuedEnvelopes + 2,
      });
      expect(after.bytesOnDisk).toBeGreaterThan(0);
      expect(await s.accounts.deleteAccount(a)).toBe(true);
      expect((await s.stats()).queuedEnvelopes).toBe(before.queuedEnvelopes + 1);
    });

    it('stores a resend with the same id once', async () => {
      const a = await account();
      const req = send([a]);
      expect(await s.queue.enqueue(req, 100)).toEqual({ ok: true, stored: 1 });
      expect(await s.queue.enqueue(req, 100)).toEqual({ ok: true, stored: 0 });
      expect(await s.queue.queueLength(a, 1)).toBe(1);
    });

    it('refuses sends to a full queue until an ack makes room', async () => {
      const a = await account();
      for (let i = 0; i < 3; i++) expect((await s.queue.enqueue(send([a]), 3)).ok).toBe(true);
      expect(await s.queue.enqueue(send([a]), 3)).toEqual({
        ok: false,
        code: 'queue_full',
        failedIndexes: [0],
      });
      const [first] = await s.queue.fetch(a, 1, 0, 1, Date.now());
      expect(await s.queue.ack(a, 1, [(first as { id: Uint8Array }).id])).toBe(1);
      expect((await s.queue.enqueue(send([a]), 3)).ok).toBe(true);
    });

    it('fans one message out to every device with room in one call, reporting the rest per copy', async () => {
      const [a, b, full] = [await account(), await account(), await account()];
      await s.accounts.addDevice(b, id16(), 2, 8);
      for (let i = 0; i < 2; i++) expect((await s.queue.enqueue(send([full]), 2)).ok).toBe(true);
      const req = send([a, id16(), full, b]);
      req.copies.push(
        { accountId: b, deviceId: 2, content: id16() },
        { accountId: a, deviceId: 9, content: id16() },
      );
      expect(await s.queue.enqueueEach(req, 2)).toEqual({
        stored: 3,
        refused: [
          { index: 1, code: 'unknown_recipient' },
          { index: 2, code: 'queue_full' },
          { index: 5, code: 'unknown_recipient' },
        ],
      });
      const [got] = await s.queue.fetch(b, 2, 0, 10, Date.now());
      expect(bytes(got?.content as Uint8Array)).toBe(bytes(req.copies[4]?.content as Uint8Array));
      expect(bytes(got?.id as Uint8Array)).toBe(bytes(req.id));
      expect(await s.queue.queueLength(a, 1)).toBe(1);
      expect(await s.queue.queueLength(b, 1)).toBe(1);
      expect(await s.queue.queueLength(full, 1)).toBe(2);
      // A resend of the same fan-out stores nothing new and still names the refused copies.
      expect(await s.queue.enqueueEach(req, 2)).toMatchObject({ stored: 0 });
      expect(await s.queue.queueLength(b, 2)).toBe(1);
    });

    it('commits a 1,000-device fan-out and concurrent sends alongside it', async () => {
      const members = await Promise.all(Array.from({ length: 50 }, () => account()));
      await Promise.all(
        members.map(async (m) => {
          for (let d = 2; d <= 20; d++) await s.accounts.addDevice(m, id16(), d, 20);
        }),
      );
      const req = send([]);
      for (const m of members)
        for (let d = 1; d <= 20; d++) req.copies.push({ accountId: m, deviceId: d, content: id16() });
      const [fan, one] = await Promise.all([
        s.queue.enqueueEach(req, 100),
        s.queue.enqueue(send([members[0] as Uint8Array]), 100),
      ]);
      expect(fan).toEqual({ stored: 1000, refused: [] });
      expect(one.ok).toBe(true);
      expect(await s.queue.queueLength(members[49] as Uint8Array, 20)).toBe(1);
    });

    it('fetches in order after a cursor, and acks delete', async () => {
      const a = await account();
      const sent = [];
      for (let i = 0; i < 10; i++) {
        const req = send([a]);
        sent.push(bytes(req.id));
        await s.queue.enqueue(req, 100);
      }
      const page1 = await s.queue.fetch(a, 1, 0, 4, Date.now());
      const page2 = await s.queue.fetch(a, 1, (page1.at(-1) as { seq: number }).seq, 100, Date.now());
      expect([...page1, ...page2].map((e) => bytes(e.id))).toEqual(sent);
      expect(
        await s.queue.ack(
          a,
          1,
          page1.map((e) => e.id),
        ),
      ).toBe(4);
      expect(await s.queue.ack(a, 1, [page1[0]?.id as Uint8Array])).toBe(0);
      expect((await s.queue.fetch(a, 1, 0, 100, Date.now())).map((e) => bytes(e.id))).toEqual(sent.slice(4));
    });

    it('never reuses a sequence number after the newest envelope is acked', async () => {
      const a = await account();
      await s.queue.enqueue(send([a]), 100);
      const [first] = await s.queue.fetch(a, 1, 0, 10, Date.now());
      await s.queue.ack(a, 1, [(first as { id: Uint8Array }).id]);
      await s.queue.enqueue(send([a]), 100);
      const after = await s.queue.fetch(a, 1, (first as { seq: number }).seq, 10, Date.now());
      expect(after).toHaveLength(1);
    });

    it('hides expired envelopes and sweeps them', async () => {
      const a = await account();
      const now = Date.now();
      await s.queue.enqueue(send([a], id16(), now - 1), 100);
      await s.queue.enqueue(send([a], id16(), now + 60_000), 100);
      expect(await s.queue.fetch(a, 1, 0, 10, now)).toHaveLength(1);
      expect(await s.queue.deleteExpired(now, 100)).toBe(1);
      expect(await s.queue.queueLength(a, 1)).toBe(1);
    });

    it('deletes an account with its devices, keys and queue', async () => {
      const a = await account();
      const b = await account();
      await withKeys(a, 1, 5);
      await s.queue.enqueue(send([a, b]), 100);
      expect(await s.accounts.deleteAccount(a)).toBe(true);
      expect(await s.accounts.deleteAccount(a)).toBe(false);
      expect(await s.accounts.getDevice(a, 1)).toBeUndefined();
      expect(await s.keys.getIdentityKey(a)).toBeUndefined();
      expect(await s.keys.countOneTimeKeys(a, 1)).toEqual({ preKeys: 0, pqPreKeys: 0 });
      expect(await s.queue.queueLength(a, 1)).toBe(0);
      expect(await s.queue.queueLength(b, 1)).toBe(1);
      expect((await s.queue.enqueue(send([a]), 100)).ok).toBe(false);
    });

    it('keeps the first trust root and the newest server-certificate key', async () => {
      const root = { publicKey: ec(), privateKey: id16() };
      expect(await s.certificates.latestServerKey()).toBeUndefined();
      const stored = await s.certificates.initTrustRoot(root);
      expect(bytes(stored.publicKey)).toBe(bytes(root.publicKey));
      expect(bytes(stored.privateKey)).toBe(bytes(root.privateKey));
      // A second node (or a second start) with a root of its own gets the first one back.
      const again = await s.certificates.initTrustRoot({ publicKey: ec(), privateKey: id16() });
      expect(bytes(again.publicKey)).toBe(bytes(root.publicKey));
      const k1 = { keyId: 1, privateKey: id16(), certificate: sig() };
      const k2 = { keyId: 0xfffffff0, privateKey: id16(), certificate: sig() };
      expect(await s.certificates.addServerKey(k1)).toBe(true);
      expect(await s.certificates.addServerKey({ ...k1, privateKey: id16() })).toBe(false);
      expect(await s.certificates.addServerKey(k2)).toBe(true);
      const latest = await s.certificates.latestServerKey();
      expect(latest?.keyId).toBe(0xfffffff0);
      expect(bytes(latest?.privateKey ?? new Uint8Array())).toBe(bytes(k2.privateKey));
      expect(bytes(latest?.certificate ?? new Uint8Array())).toBe(bytes(k2.certificate));
    });

    it('commits many concurrent sends, all durable when they resolve', async () => {
      const a = await account();
      const results = await Promise.all(
        Array.from({ length: 300 }, () => s.queue.enqueue(send([a]), 10_000)),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      expect(await s.queue.queueLength(a, 1)).toBe(300);
    });
  });
}
