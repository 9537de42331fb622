/**
 * The attachment store contract: every adapter (SQLite files, PostgreSQL
 * chunk rows) must pass it. Hooked into sqlite.test.ts and postgres.test.ts
 * beside the storage contract, with the same fixtures; `scanStore`, where
 * the adapter keeps files, looks for bytes anywhere in them.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AttachmentStore, NewAttachment } from '../../src/attachments/attachment-store.js';
import { freshFixtureEachTest, type StorageFixture } from './storage-contract.js';

export interface AttachmentFixture extends StorageFixture {
  /** Whether any file the store keeps contains `needle` (undefined: no files to scan). */
  scanStore?: (needle: Uint8Array) => boolean;
}

const rnd = (n: number) => new Uint8Array(randomBytes(n));

async function collect(it: AsyncIterable<Uint8Array> | undefined): Promise<Buffer | undefined> {
  if (!it) return undefined;
  const parts: Uint8Array[] = [];
  for await (const p of it) parts.push(p);
  return Buffer.concat(parts);
}

export function describeAttachmentContract(name: string, open: () => Promise<AttachmentFixture>): void {
  describe(`attachment contract: ${name}`, () => {
    let fx!: AttachmentFixture;
    let s!: AttachmentStore;
    freshFixtureEachTest(open, (f) => {
      fx = f;
      s = f.storage.attachments;
    });

    /** One piece in one chunk. */
    const append = (id: Uint8Array, offset: number, bytes: Uint8Array) => s.append(id, offset, [bytes]);

    async function slot(size: number, over: Partial<NewAttachment> = {}): Promise<NewAttachment> {
      const now = Date.now();
      const a = {
        id: rnd(32),
        size,
        credentialHash: rnd(32),
        uploadExpiresAt: now + 60_000,
        expiresAt: now + 120_000,
        recipients: 1,
        ...over,
      };
      await s.create(a);
      return a;
    }

    it('stores pieces in order and reads the blob back only once complete', async () => {
      const blob = rnd(3 * 1024 * 1024 + 17);
      const a = await slot(blob.length);
      expect(await s.get(a.id)).toMatchObject({ size: blob.length, received: 0, recipients: 1 });
      expect(await append(a.id, 0, blob.subarray(0, 1024 * 1024 + 5))).toEqual({
        ok: true,
        received: 1024 * 1024 + 5,
      });
      expect(await s.read(a.id)).toBeUndefined();
      expect(await append(a.id, 1024 * 1024 + 5, blob.subarray(1024 * 1024 + 5))).toEqual({
        ok: true,
        received: blob.length,
      });
      const back = await collect(await s.read(a.id));
      expect(back?.equals(blob)).toBe(true);
      expect((await s.get(a.id))?.credentialHash).toEqual(a.credentialHash);
    });

    it('refuses a piece that does not start where the stored copy ends, or runs past the size', async () => {
      const a = await slot(100);
      expect(await append(a.id, 0, rnd(40))).toEqual({ ok: true, received: 40 });
      expect(await append(a.id, 0, rnd(40))).toEqual({ ok: false, reason: 'offset', received: 40 });
      expect(await append(a.id, 50, rnd(10))).toEqual({ ok: false, reason: 'offset', received: 40 });
      expect(await append(a.id, 40, rnd(61))).toEqual({ ok: false, reason: 'offset', received: 40 });
      expect(await append(rnd(32), 0, rnd(1))).toEqual({ ok: false, reason: 'missing' });
      expect(await append(a.id, 40, rnd(60))).toEqual({ ok: true, received: 100 });
    });

    it('lets exactly one of two concurrent appends of the same piece through', async () => {
      const a = await slot(2048);
      const results = await Promise.all([append(a.id, 0, rnd(1024)), append(a.id, 0, rnd(1024))]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect((await s.get(a.id))?.received).toBe(1024);
    });

    it('deletes the blob at the last distinct acknowledgement', async () => {
      const blob = rnd(5000);
      const a = await slot(blob.length, { recipients: 2 });
      await append(a.id, 0, blob);
      const first = rnd(32);
      expect(await s.ack(a.id, first)).toBe('kept');
      expect(await s.ack(a.id, first)).toBe('kept');
      expect((await collect(await s.read(a.id)))?.equals(blob)).toBe(true);
      expect(await s.ack(a.id, rnd(32))).toBe('deleted');
      expect(await s.get(a.id)).toBeUndefined();
      expect(await s.read(a.id)).toBeUndefined();
      expect(await s.ack(a.id, rnd(32))).toBe('missing');
      expect(fx.scanStore?.(blob.subarray(1000, 1064)) ?? false).toBe(false);
    });

    it('deletes at the deadline and abandoned uploads when their window closes, leaving no bytes', async () => {
      const now = Date.now();
      const due = await slot(64, { expiresAt: now - 1 });
      const abandoned = await slot(64, { uploadExpiresAt: now - 1 });
      const finished = await slot(64, { uploadExpiresAt: now - 1 });
      const dueBytes = rnd(64);
      const partBytes = rnd(32);
      await append(due.id, 0, dueBytes);
      await append(abandoned.id, 0, partBytes);
      await append(finished.id, 0, rnd(64));
      expect(fx.scanStore?.(dueBytes) ?? true).toBe(true);
      expect(await s.deleteExpired(now, 100)).toBe(2);
      expect(await s.get(due.id)).toBeUndefined();
      expect(await s.get(abandoned.id)).toBeUndefined();
      expect((await s.get(finished.id))?.received).toBe(64);
      expect(await s.deleteExpired(now, 100)).toBe(0);
      expect(fx.scanStore?.(dueBytes) ?? false).toBe(false);
      expect(fx.scanStore?.(partBytes) ?? false).toBe(false);
    });

    it("brings a deadline forward to the sender's, never back", async () => {
      const now = Date.now();
      const a = await slot(64, { expiresAt: now + 120_000 });
      expect(await s.shortenDeadline(a.id, now + 30_000)).toBe(true);
      expect((await s.get(a.id))?.expiresAt).toBe(now + 30_000);
      expect(await s.shortenDeadline(a.id, now + 90_000)).toBe(true);
      expect((await s.get(a.id))?.expiresAt).toBe(now + 30_000);
      expect(await s.deleteExpired(now + 29_999, 100)).toBe(0);
      expect(await s.deleteExpired(now + 30_000, 100)).toBe(1);
      expect(await s.shortenDeadline(a.id, now)).toBe(false);
    });

    it('stores a piece given in chunks, and keeps what arrived before its source broke off', async () => {
      const blob = rnd(4000);
      const a = await slot(blob.length);
      const chunks = [blob.subarray(0, 1000), blob.subarray(1000, 2500), blob.subarray(2500, 3000)];
      expect(await s.append(a.id, 0, chunks)).toEqual({ ok: true, received: 3000 });
      async function* cut() {
        yield blob.subarray(3000, 3500);
        throw new Error('connection reset');
      }
      await expect(s.append(a.id, 3000, cut())).rejects.toThrow('connection reset');
      expect((await s.get(a.id))?.received).toBe(3500);
      expect(
        await s.append(a.id, 3500, [blob.subarray(3500, 3900), blob.subarray(3900, 4001), rnd(5)]),
      ).toEqual({
        ok: false,
        reason: 'offset',
        received: 4000,
      });
      expect((await collect(await s.read(a.id)))?.equals(blob)).toBe(true);
    });

    it('deletes on request, once', async () => {
      const a = await slot(10);
      await append(a.id, 0, rnd(10));
      expect(await s.delete(a.id)).toBe(true);
      expect(await s.delete(a.id)).toBe(false);
      expect(await s.get(a.id)).toBeUndefined();
    });
  });
}
