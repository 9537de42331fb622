/**
 * The node backend's random pool (src/crypto/random-pool.node.ts): every
 * byte the fill function produced is handed out at most once and in order,
 * handed-out bytes are wiped from the pool, leftovers are dropped at a
 * refill, large requests bypass the pool, and the process pool's output
 * never repeats.
 */
import { describe, expect, it } from 'vitest';
import { pooledRandomBytes, RandomPool } from '../../src/crypto/random-pool.node.js';

/** A fill that writes a running byte counter and remembers the arrays it filled. */
function countingFill() {
  let counter = 0;
  const filled: Uint8Array[] = [];
  const fill = (into: Uint8Array) => {
    filled.push(into);
    for (let i = 0; i < into.length; i++) into[i] = ++counter & 0xff;
  };
  return { fill, filled, calls: () => filled.length };
}

const run = (from: number, length: number) => Uint8Array.from({ length }, (_, i) => (from + i) & 0xff);

describe('RandomPool', () => {
  it('hands out the filled bytes once each, in order, and wipes them from the pool', () => {
    const f = countingFill();
    const pool = new RandomPool(f.fill, 64);
    expect(pool.take(10)).toEqual(run(1, 10));
    expect(pool.take(6)).toEqual(run(11, 6));
    expect(f.calls()).toBe(1);
    const inner = f.filled[0] as Uint8Array;
    expect(inner.subarray(0, 16)).toEqual(new Uint8Array(16));
    expect(inner.subarray(16)).toEqual(run(17, 48));
  });

  it('refills when a request does not fit, dropping the leftover bytes', () => {
    const f = countingFill();
    const pool = new RandomPool(f.fill, 64);
    for (let i = 0; i < 3; i++) pool.take(16); // 48 used, 16 left
    expect(pool.take(16)).toEqual(run(49, 16)); // exactly fits: no refill
    expect(f.calls()).toBe(1);
    pool.take(10);
    expect(pool.take(16)).toEqual(run(65 + 10, 16));
    expect(f.calls()).toBe(2);
  });

  it('fills large requests directly, leaving the pool untouched', () => {
    const f = countingFill();
    const pool = new RandomPool(f.fill, 64);
    expect(pool.take(4)).toEqual(run(1, 4));
    const big = pool.take(17);
    expect(f.filled[1]).toBe(big);
    expect(big).toEqual(run(65, 17));
    expect(pool.take(4)).toEqual(run(5, 4));
  });

  it('returns independent arrays of the requested length, zero-length included', () => {
    const pool = new RandomPool(countingFill().fill, 64);
    const a = pool.take(8);
    const b = pool.take(8);
    a.fill(0);
    expect(b).toEqual(run(9, 8));
    expect(pool.take(0)).toEqual(new Uint8Array(0));
  });
});

describe('the process pool', () => {
  it('never repeats a 16-byte block across many refills', () => {
    const seen = new Set<string>();
    const total = 5000;
    for (let i = 0; i < total; i++) {
      const bytes = pooledRandomBytes(16 + (i % 3) * 16);
      for (let at = 0; at < bytes.length; at += 16)
        seen.add(Buffer.from(bytes.subarray(at, at + 16)).toString('hex'));
    }
    // 10 000 blocks in 160 000 bytes: about 40 refills of the 4 KiB pool
    expect(seen.size).toBe(Array.from({ length: total }, (_, i) => 1 + (i % 3)).reduce((a, b) => a + b, 0));
  });
});
