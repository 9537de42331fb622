/**
 * Deferred writes (store/write-behind.ts) over a real SQLite profile: read
 * back at once, committed in front of the next commit in the same single
 * transaction (or alone after the delay), waiting callbacks run only once
 * they are on disk, never when the commit failed, and a shredded message is
 * not brought back by a deferred status change.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientStore, MessageRecord, WriteBatch } from '../../src/store/types.js';
import { WriteBehindStore } from '../../src/store/write-behind.js';
import { sqliteHarness } from './contract/sqlite-harness.js';

const PASS = 'pw';
const msg = (id: string, expiresAt: number | null = null): Omit<MessageRecord, 'seq'> => ({
  id,
  conversationId: 'p',
  direction: 'out',
  kind: 'text',
  body: id,
  sentAt: 1,
  receivedAt: 1,
  timerSeconds: 0,
  expiresAt,
  status: 'pending',
});
const item = (id: string) => ({
  id,
  recipient: 'p',
  content: new Uint8Array([1]),
  createdAt: 1,
  ttlSeconds: 0,
});

/** Counts the commits that reach the store below. */
function counted(inner: ClientStore) {
  const batches: WriteBatch[] = [];
  const apply = inner.apply.bind(inner);
  inner.apply = (b) => {
    batches.push(b);
    return apply(b);
  };
  return batches;
}

describe('write-behind store', () => {
  let h: ReturnType<typeof sqliteHarness>;
  beforeEach(() => {
    h = sqliteHarness();
  });
  afterEach(() => h.cleanup());

  it('writes a record deferred and written again by the next commit once, in its newer form', async () => {
    const inner = await h.open('a', PASS);
    const commits = counted(inner);
    const s = new WriteBehindStore(inner, { delayMs: 60_000 });
    const v = (b: number) => new Uint8Array([b]);
    s.defer({
      records: [
        { ns: 'session', key: 'bob.1', value: v(1) },
        { ns: 'x', key: 'k', value: v(9) },
      ],
    });
    await s.apply({ records: [{ ns: 'session', key: 'bob.1', value: v(2) }] });
    expect(commits).toHaveLength(1);
    const written = (commits[0]?.records ?? []).map((r) => [r.ns, r.key, r.value?.[0]]);
    expect(written).toEqual([
      ['x', 'k', 9],
      ['session', 'bob.1', 2],
    ]);
    expect(await s.getRecord('session', 'bob.1')).toEqual(v(2));
    await s.close();
    const again = await h.open('a', PASS);
    expect(await again.getRecord('session', 'bob.1')).toEqual(v(2));
    await again.close();
  });

  it('shows deferred writes at once and commits them with the next batch, in one transaction', async () => {
    const inner = await h.open('a', PASS);
    const commits = counted(inner);
    const s = new WriteBehindStore(inner, { delayMs: 60_000 });
    await s.apply({ putMessages: [msg('m1')], putOutbox: [item('m1')] });
    let durable = false;
    s.defer(
      {
        putMessages: [{ ...msg('m1'), status: 'sent' }],
        deleteOutbox: ['m1'],
        records: [{ ns: 'session', key: 'p.1', value: new Uint8Array([7]) }],
        seen: ['env:1'],
      },
      () => {
        durable = true;
      },
    );
    expect((await s.getMessage('m1'))?.status).toBe('sent');
    expect((await s.listMessages('p', 0)).map((m) => m.status)).toEqual(['sent']);
    expect(await s.listOutbox()).toEqual([]);
    expect(await s.getRecord('session', 'p.1')).toEqual(new Uint8Array([7]));
    expect((await s.listRecords('session')).map((r) => r.key)).toEqual(['p.1']);
    expect(await s.hasSeen('env:1')).toBe(true);
    expect(commits).toHaveLength(1);
    expect(durable).toBe(false);
    await s.apply({ putMessages: [msg('m2')] });
    expect(commits).toHaveLength(2); // the deferred writes rode on this one
    expect(durable).toBe(true);
    await s.close();
    const again = await h.open('a', PASS);
    expect((await again.getMessage('m1'))?.status).toBe('sent');
    expect(await again.listOutbox()).toEqual([]);
    expect(await again.getRecord('session', 'p.1')).toEqual(new Uint8Array([7]));
    expect(await again.hasSeen('env:1')).toBe(true);
    await again.close();
  });

  it('commits deferred writes alone when nothing else commits', async () => {
    const s = new WriteBehindStore(await h.open('a', PASS), { delayMs: 5 });
    await s.apply({ putMessages: [msg('m1')] });
    await new Promise<void>((resolve) =>
      s.defer({ putMessages: [{ ...msg('m1'), status: 'sent' }] }, resolve),
    );
    await s.close();
    const again = await h.open('a', PASS);
    expect((await again.getMessage('m1'))?.status).toBe('sent');
    await again.close();
  });

  it('drops deferred writes of a failed commit without running what waited for them', async () => {
    const inner = await h.open('a', PASS);
    const s = new WriteBehindStore(inner, { delayMs: 60_000 });
    await s.apply({ putMessages: [msg('m1')] });
    let ran = false;
    s.defer({ putMessages: [{ ...msg('m1'), status: 'sent' }] }, () => {
      ran = true;
    });
    const apply = inner.apply.bind(inner);
    inner.apply = async () => {
      throw new Error('disk full');
    };
    await expect(s.apply({ putMessages: [msg('m2')] })).rejects.toThrow('disk full');
    inner.apply = apply;
    expect(ran).toBe(false);
    expect((await s.getMessage('m1'))?.status).toBe('pending');
    await s.close();
  });

  it('does not bring back a shredded message', async () => {
    const s = new WriteBehindStore(await h.open('a', PASS), { delayMs: 60_000 });
    await s.apply({ putMessages: [msg('m1', 50)] });
    s.defer({ putMessages: [{ ...msg('m1', 50), status: 'sent' }] });
    expect(await s.nextExpiry()).toBe(50);
    expect(await s.deleteExpired(60)).toEqual(['m1']);
    await s.flush();
    expect(await s.getMessage('m1')).toBeUndefined();
    expect(await s.nextExpiry()).toBeNull();
    await s.close();
  });
});
