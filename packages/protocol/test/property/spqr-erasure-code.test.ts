/**
 * SPQR's erasure code (src/spqr/erasure-code.ts): any chunksNeeded distinct
 * chunks, systematic or parity, in any order, rebuild the message; fewer do
 * not; the first chunks are the message itself (systematic code).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE, ChunkDecoder, ChunkEncoder, chunksNeeded } from '../../src/spqr/erasure-code.js';
import { evaluate, interpolate } from '../support/coefficient-erasure-code.js';

/** The braid's four message sizes: header+MAC, encapsulation key, ct1, ct2+MAC; and an uneven one. */
const SIZES = [96, 1152, 960, 160, 10, 1088];

describe('SPQR erasure code', () => {
  it.each(SIZES)(
    'systematic chunks of a %i-byte message are its bytes, 16-bit symbols striped over 16 polynomials',
    (size) => {
      const msg = Uint8Array.from({ length: size }, (_, i) => (i * 37 + 11) & 0xff);
      const enc = new ChunkEncoder(msg);
      const first = enc.nextChunk();
      expect(first.index).toBe(0);
      if (size >= CHUNK_SIZE) expect(first.data).toEqual(msg.subarray(0, CHUNK_SIZE));
    },
  );

  it.each(SIZES)('rebuilds a %i-byte message from any chunksNeeded distinct chunks', (size) => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: size, maxLength: size }),
        fc.uniqueArray(fc.integer({ min: 0, max: 200 }), {
          minLength: chunksNeeded(size),
          maxLength: chunksNeeded(size),
        }),
        (msg, indices) => {
          const enc = new ChunkEncoder(msg);
          const dec = new ChunkDecoder(size);
          for (const [n, i] of indices.entries()) {
            expect(dec.decoded()).toBeUndefined();
            dec.addChunk(enc.chunkAt(i));
            if (n < indices.length - 1) expect(dec.decoded()).toBeUndefined();
          }
          expect(dec.decoded()).toEqual(msg);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('survives a lossy stream: every third chunk lost, duplicates delivered', () => {
    const msg = Uint8Array.from({ length: 1152 }, (_, i) => (i * 7) & 0xff);
    const enc = new ChunkEncoder(msg);
    const dec = new ChunkDecoder(msg.length);
    let sent = 0;
    while (dec.decoded() === undefined) {
      const chunk = enc.nextChunk();
      sent++;
      if (sent % 3 === 0) continue;
      dec.addChunk(chunk);
      dec.addChunk(chunk);
    }
    expect(dec.decoded()).toEqual(msg);
    expect(sent).toBeGreaterThan(chunksNeeded(msg.length));
  });

  it('keeps at most 2 × chunksNeeded chunks whatever the peer sends', () => {
    const enc = new ChunkEncoder(new Uint8Array(160));
    const dec = new ChunkDecoder(160);
    for (let i = 100; i < 400; i++) dec.addChunk(enc.chunkAt(i));
    expect(dec.chunks.size).toBeLessThanOrEqual(2 * chunksNeeded(160));
  });

  it('interpolates through its points in GF(2^16) (x^16 + x^12 + x^3 + x + 1)', () => {
    const xs = [0, 1, 2, 7, 65535];
    const ys = [5, 0, 65535, 1234, 42];
    const c = interpolate(xs, ys);
    expect(xs.map((x) => evaluate(c, x))).toEqual(ys);
    const line = interpolate([0, 1], [0, 0x8000]); // y = 0x8000·x
    expect(evaluate(line, 2)).toBe(0x100b); // 0x8000·2 = x^16 = 0x100b mod 0x1100b
  });
});
