/**
 * The store's memo of lookup tags (tag-memo.ts): the same tag the keys
 * compute, one computation per name while it is held, and bounded.
 */
import { describe, expect, it } from 'vitest';
import { AtRestKeys } from '../../src/store/at-rest.js';
import { TagMemo } from '../../src/store/tag-memo.js';

describe('tag memo', () => {
  it('returns the keyed tag, computing each held name once', () => {
    const keys = new AtRestKeys(new Uint8Array(32).fill(1));
    let computed = 0;
    const memo = new TagMemo((ns, key) => {
      computed++;
      return keys.tag(ns, key);
    });
    expect(memo.tag('session', 'bob.1')).toEqual(keys.tag('session', 'bob.1'));
    expect(memo.tag('session', 'bob.1')).toEqual(keys.tag('session', 'bob.1'));
    expect(memo.tag('session', 'bob.2')).not.toEqual(keys.tag('session', 'bob.1'));
    expect(computed).toBe(2);
  });

  it('holds a bounded number of names, dropping the oldest first', () => {
    const seen: string[] = [];
    const memo = new TagMemo((_ns, key) => {
      seen.push(key);
      return new Uint8Array([key.length]);
    });
    for (let i = 0; i < 2049; i++) memo.tag('n', String(i));
    seen.length = 0;
    memo.tag('n', '2048'); // newest: held
    memo.tag('n', '1'); // still held
    memo.tag('n', '0'); // the oldest went when the 2049th came
    expect(seen).toEqual(['0']);
  });
});
