/**
 * The store's cache of recent messages (message-cache.ts) on its own: a
 * read that a commit overtook does not fill, a deleted or wiped message's
 * plaintext is zeroed in memory, and the cache stays bounded.
 */
import { describe, expect, it } from 'vitest';
import { type CachedMessage, MessageCache } from '../../src/store/message-cache.js';

const entry = (b: number): CachedMessage => ({
  plain: new Uint8Array([b, b]),
  seq: b,
  expiresAt: null,
  sealedKey: new Uint8Array([9]),
});

describe('message cache', () => {
  it('ignores a fill from a read that a commit overtook, and keeps its own copy', () => {
    const c = new MessageCache();
    const before = c.epoch;
    c.committed(new Map([['m', entry(2)]]), []);
    c.fill('m', entry(1), before); // the read began before the commit: its value is stale
    expect(c.get('m')?.seq).toBe(2);
    const read = entry(3);
    c.fill('n', read, c.epoch);
    read.plain.fill(0); // the reader wipes its plaintext: the cache's copy stays
    expect(c.get('n')?.plain).toEqual(new Uint8Array([3, 3]));
  });

  it('zeroes the plaintext of what a commit deleted, a failed commit touched, or close dropped', () => {
    const c = new MessageCache();
    const [a, b, d] = [entry(1), entry(2), entry(3)];
    c.committed(
      new Map([
        ['a', a],
        ['b', b],
        ['d', d],
      ]),
      [],
    );
    c.committed(new Map(), ['a']);
    expect(c.get('a')).toBeUndefined();
    expect(a.plain).toEqual(new Uint8Array([0, 0]));
    c.drop(['b']);
    expect(b.plain).toEqual(new Uint8Array([0, 0]));
    c.wipe();
    expect(c.get('d')).toBeUndefined();
    expect(d.plain).toEqual(new Uint8Array([0, 0]));
  });

  it('holds a bounded number of messages, dropping the oldest first', () => {
    const c = new MessageCache();
    const first = entry(1);
    c.committed(new Map([['0', first]]), []);
    for (let i = 1; i <= 512; i++) c.committed(new Map([[String(i), entry(i & 255)]]), []);
    expect(c.get('0')).toBeUndefined();
    expect(first.plain).toEqual(new Uint8Array([0, 0]));
    expect(c.get('1')?.seq).toBe(1);
    expect(c.get('512')?.seq).toBe(0);
  });
});
