/**
 * SPQR states kept as bytes (src/spqr/state-codec.ts), as database-backed
 * session stores keep them: the bytes stay those of records already stored,
 * and the receive chain's skipped keys survive the round trip, so late
 * messages still decrypt after the state was stored.
 */
import { describe, expect, it } from 'vitest';
import { initialPqRatchet, pqRecv, pqSend } from '../../src/spqr/ratchet.js';
import { decodePqRatchet, encodePqRatchet } from '../../src/spqr/state-codec.js';
import { pqExchange, sha256OfAll } from '../support/deterministic-spqr.js';

const hex = (b: Uint8Array | undefined) => (b === undefined ? 'none' : Buffer.from(b).toString('hex'));

/** The schema's key-history entry, BE32 index ‖ key (state-codec.ts header): records already stored use it. */
function historyEntry(index: number, key: Uint8Array): string {
  return (
    hex(Uint8Array.of(index >>> 24, (index >>> 16) & 0xff, (index >>> 8) & 0xff, index & 0xff)) + hex(key)
  );
}

describe('SPQR stored state', () => {
  it('encodes every state of a deterministic exchange to the bytes the codec of 6abfe25 wrote', () => {
    const steps = pqExchange({
      seed: 0,
      keyFill: 5,
      steps: 300,
      fromA: (i) => i % 3 !== 2,
      lostFromA: (i) => i % 11 === 0,
    });
    const all = steps.flatMap(([a, b]) => [encodePqRatchet(a), encodePqRatchet(b)]);
    // SHA-256 of the same exchange's states as written by the codec at commit 6abfe25.
    expect(sha256OfAll(all)).toBe('5a46bf253fc67bee034e7d245dd8f6cd239fae05a74bbcf6c70dc68a6680dd3f');
  });

  it('keeps skipped receive keys through encode and decode, late messages still decrypt', () => {
    const key = new Uint8Array(32).fill(3);
    let a = initialPqRatchet(key, true, false);
    let b = initialPqRatchet(key, false, false);
    const sent = Array.from({ length: 66_600 }, () => {
      const s = pqSend(a);
      a = s.state;
      return s;
    });
    const message = (index: number) => sent[index - 1] as (typeof sent)[number];
    // Forward in jumps the chain allows, then past 2^16: the skipped indices around 0xff00 and
    // 0x10000 use every byte of the stored 32-bit index that a 16-bit one would not.
    for (const index of [20_000, 40_000, 60_000, 65_000, 66_600]) b = pqRecv(b, message(index).message).state;
    let stored = encodePqRatchet(b);
    expect(hex(encodePqRatchet(decodePqRatchet(stored)))).toBe(hex(stored));
    expect(hex(stored)).toContain(historyEntry(65_537, message(65_537).key));
    for (const index of [65_001, 65_280, 65_535, 65_536, 65_537, 66_599]) {
      const r = pqRecv(decodePqRatchet(stored), message(index).message);
      expect(hex(r.key)).toBe(hex(message(index).key));
      stored = encodePqRatchet(r.state);
    }
    // A key, once used, is gone from the stored state too.
    expect(() => pqRecv(decodePqRatchet(stored), message(65_280).message)).toThrow(/already requested/);
  });
});
