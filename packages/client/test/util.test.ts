import { describe, expect, it } from 'vitest';
import { fromHex, randomId, toHex } from '../src/util.js';

describe('hex and ids', () => {
  it('toHex writes every byte value as two lowercase digits, and fromHex reads it back', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const hex = toHex(all);
    expect(hex).toBe(Buffer.from(all).toString('hex'));
    expect(fromHex(hex)).toEqual(all);
    expect(toHex(new Uint8Array(0))).toBe('');
  });

  it('randomId gives 16 fresh bytes each time', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => toHex(randomId())));
    expect(ids.size).toBe(1000);
    expect(randomId()).toHaveLength(16);
  });
});
