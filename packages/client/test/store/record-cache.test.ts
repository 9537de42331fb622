/**
 * The store's read cache (record-cache.ts) on its own: a read that started
 * before a commit never puts back the value the commit replaced, a failed
 * commit forgets what it touched, and close wipes every cached value.
 */
import { describe, expect, it } from 'vitest';
import { RecordCache } from '../../src/store/record-cache.js';

const v = (b: number) => new Uint8Array([b]);

describe('record cache', () => {
  it('ignores a fill from a read that a commit overtook', () => {
    const c = new RecordCache();
    const before = c.epoch;
    c.committed([{ ns: 'n', key: 'k', value: v(2) }]);
    c.fill('n', 'k', v(1), before); // the read began before the commit: its value is stale
    expect(c.get('n', 'k')).toEqual(v(2));
    c.fill('n', 'other', undefined, c.epoch);
    expect(c.get('n', 'other')).toBeNull();
  });

  it('holds a value only when it knows the record is stored as exactly that', () => {
    const c = new RecordCache();
    expect(c.holds('n', 'k', v(1))).toBe(false); // not cached: unknown
    c.fill('n', 'k', v(1), c.epoch);
    expect([c.holds('n', 'k', v(1)), c.holds('n', 'k', v(2)), c.holds('n', 'k', null)]).toEqual([
      true,
      false,
      false,
    ]);
    expect(c.holds('n', 'k', new Uint8Array([1, 0]))).toBe(false);
    c.committed([{ ns: 'n', key: 'gone', value: null }]);
    expect([c.holds('n', 'gone', null), c.holds('n', 'gone', v(0))]).toEqual([true, false]);
  });

  it('forgets what a failed commit touched, and wipes on close', () => {
    const c = new RecordCache();
    c.fill('n', 'k', v(1), c.epoch);
    c.forget([{ ns: 'n', key: 'k' }]);
    expect(c.get('n', 'k')).toBeUndefined();
    c.committed([{ ns: 'n', key: 'k', value: v(5) }]);
    const held = c.get('n', 'k') as Uint8Array;
    c.wipe();
    expect(c.get('n', 'k')).toBeUndefined();
    expect(held).toEqual(v(5)); // what callers got were copies
  });

  it('stays bounded, dropping the oldest first', () => {
    const c = new RecordCache();
    for (let i = 0; i < 1100; i++) c.committed([{ ns: 'n', key: String(i), value: v(i & 0xff) }]);
    expect(c.get('n', '0')).toBeUndefined();
    expect(c.get('n', '1099')).toEqual(v(1099 & 0xff));
  });
});
