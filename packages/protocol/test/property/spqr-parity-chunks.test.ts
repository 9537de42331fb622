/**
 * Parity chunks are computed in barycentric form (src/spqr/lagrange.ts); the
 * wire format is libsignal's, so every chunk must equal the one coefficient
 * interpolation followed by Horner evaluation gives (test/support reference),
 * for the braid's message lengths and any other, at indices from the first
 * parity chunk up to where the 16-bit counter wraps. The decoder rebuilds the
 * message from any chunksNeeded of them, however far apart.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAC_SIZE } from '../../src/spqr/authenticator.js';
import { ChunkDecoder, ChunkEncoder, chunksNeeded, MAX_CHUNK_INDEX } from '../../src/spqr/erasure-code.js';
import {
  CIPHERTEXT1_SIZE,
  CIPHERTEXT2_SIZE,
  ENCAPSULATION_KEY_SIZE,
  HEADER_SIZE,
} from '../../src/spqr/incremental-mlkem.js';
import { referenceChunk } from '../support/coefficient-erasure-code.js';

/** What the braid chunks: header+MAC, encapsulation key, ct1, ct2+MAC. */
const BRAID_SIZES = [
  HEADER_SIZE + MAC_SIZE,
  ENCAPSULATION_KEY_SIZE,
  CIPHERTEXT1_SIZE,
  CIPHERTEXT2_SIZE + MAC_SIZE,
];
/** Indices at the far end of the 16-bit range, where the encoder's counter wraps. */
const NEAR_WRAP = Array.from({ length: 8 }, (_, i) => MAX_CHUNK_INDEX - 7 + i);

const evenLength = fc.integer({ min: 1, max: 1100 }).map((half) => 2 * half);
const message = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });

describe('SPQR parity chunks', () => {
  it.each(BRAID_SIZES)(
    'equal interpolate+evaluate for a %i-byte braid message at indices 0..200 and near 0xffff',
    (size) => {
      fc.assert(
        fc.property(message(size), (msg) => {
          const enc = new ChunkEncoder(msg);
          for (const index of [...Array.from({ length: 201 }, (_, i) => i), ...NEAR_WRAP])
            expect(enc.chunkAt(index).data).toEqual(referenceChunk(msg, index));
        }),
        { numRuns: 3 },
      );
    },
  );

  it('equal interpolate+evaluate for random lengths and indices', () => {
    fc.assert(
      fc.property(
        evenLength.chain((length) =>
          fc.tuple(
            message(length),
            fc.array(fc.integer({ min: 0, max: MAX_CHUNK_INDEX }), { minLength: 1, maxLength: 8 }),
          ),
        ),
        ([msg, indices]) => {
          const enc = new ChunkEncoder(msg);
          for (const index of [...indices, chunksNeeded(msg.length), MAX_CHUNK_INDEX])
            expect(enc.chunkAt(index).data).toEqual(referenceChunk(msg, index));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('equal interpolate+evaluate for messages with zero symbols (the multiplication skips zeros)', () => {
    for (const size of BRAID_SIZES) {
      const msg = new Uint8Array(size);
      msg[size - 1] = 1;
      for (const index of [chunksNeeded(size), 200, MAX_CHUNK_INDEX])
        expect(new ChunkEncoder(msg).chunkAt(index).data).toEqual(referenceChunk(msg, index));
    }
  });

  it('rebuild a message of any length from any chunksNeeded distinct chunks, near the wrap too', () => {
    fc.assert(
      fc.property(
        evenLength.chain((length) =>
          fc.tuple(
            message(length),
            fc.uniqueArray(
              fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0xff00, max: MAX_CHUNK_INDEX })),
              {
                minLength: chunksNeeded(length),
                maxLength: chunksNeeded(length),
              },
            ),
          ),
        ),
        ([msg, indices]) => {
          const enc = new ChunkEncoder(msg);
          const dec = new ChunkDecoder(msg.length);
          for (const index of indices) dec.addChunk(enc.chunkAt(index));
          expect(dec.decoded()).toEqual(msg);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses an index the wire cannot carry', () => {
    const enc = new ChunkEncoder(new Uint8Array(96));
    expect(() => enc.chunkAt(MAX_CHUNK_INDEX + 1)).toThrow(RangeError);
    expect(() => enc.chunkAt(-1)).toThrow(RangeError);
  });
});
