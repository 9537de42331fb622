import { describe, expect, it } from 'vitest';
import { safetyNumber } from '../../src/safety-number.js';

// Vector: docs/protocol.md, Appendix "Fingerprint" (reproduced by libsignal 0.72.1).
const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const key = (b: number) => new Uint8Array([0x05, ...new Uint8Array(32).fill(b)]);
const te = new TextEncoder();

describe('safety numbers', () => {
  it('match the libsignal vector (display and scannable)', () => {
    const sn = safetyNumber(key(0x11), te.encode('+14152222222'), key(0x22), te.encode('+14153333333'));
    expect(sn.digits).toBe('182942087055773282292872958385442225949165033614176996820774');
    expect(sn.scannable).toEqual(
      hex(
        '080212220a20b2f6701156168c4e47866f9bd14fbdf83a070605eb080aa0797a4c02be91a0491a220a2005336131be79c85cac83dde2485aa92448846f2929442a1dd07dba148c26a161',
      ),
    );
  });

  it('are the same from both sides and change when a key changes', () => {
    const a = te.encode('alice'),
      b = te.encode('bob');
    const ab = safetyNumber(key(1), a, key(2), b).digits;
    expect(safetyNumber(key(2), b, key(1), a).digits).toBe(ab);
    expect(safetyNumber(key(1), a, key(3), b).digits).not.toBe(ab);
  });
});
