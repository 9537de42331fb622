/** forEachBounded: sender keys go to many members at once, never more than the bound, and a failure stops the rest. */
import { describe, expect, it } from 'vitest';
import { forEachBounded } from '../../src/groups/for-each-bounded.js';

/** A task per item that stays open until the test releases it. */
function gates(n: number) {
  const open = new Set<number>();
  let most = 0;
  const release: Array<() => void> = [];
  const work = (i: number) =>
    new Promise<void>((resolve) => {
      open.add(i);
      most = Math.max(most, open.size);
      release[i] = () => {
        open.delete(i);
        resolve();
      };
    });
  return { open, release, work, most: () => most, items: Array.from({ length: n }, (_, i) => i) };
}

describe('forEachBounded', () => {
  it('keeps exactly `limit` in flight while there is work, and does every item once', async () => {
    const g = gates(10);
    const done = forEachBounded(g.items, 3, g.work);
    for (let i = 0; i < 10; i++) {
      await Promise.resolve();
      expect(g.open.size).toBe(Math.min(3, 10 - i));
      g.release[i]?.();
      await new Promise((r) => setImmediate(r));
    }
    await done;
    expect(g.most()).toBe(3);
  });

  it('starts nothing after a failure and rejects with it once the started ones settle', async () => {
    const started: number[] = [];
    const run = forEachBounded([0, 1, 2, 3, 4, 5], 2, async (i) => {
      started.push(i);
      await new Promise((r) => setImmediate(r));
      if (i === 1) throw new Error('member 1 unreachable');
    });
    await expect(run).rejects.toThrow('member 1 unreachable');
    expect(started).toEqual([0, 1, 2]);
  });
});
