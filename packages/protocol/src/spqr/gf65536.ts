/**
 * GF(2^16) modulo x^16 + x^12 + x^3 + x + 1 (0x1100B), the field of SPQR's
 * erasure code (Signal's SPQR specification, "Erasure codes"), as log/exp
 * tables: x is a generator because the polynomial is primitive. Addition is
 * xor. Table lookups are indexed by the operands, so this is not constant
 * time; it only ever handles data that travels in the clear.
 */
const FIELD_POLY = 0x1100b;
/** The order of the multiplicative group: logs live in [0, ORDER). */
export const ORDER = 65535;

/** EXP[i] = x^i, doubled so that EXP[LOG[a] + LOG[b]] needs no reduction. */
export const EXP = new Uint16Array(2 * ORDER);
/** LOG[a] for a ≠ 0; LOG[0] is meaningless (0 has no log). */
export const LOG = new Uint16Array(ORDER + 1);
(() => {
  let v = 1;
  for (let i = 0; i < ORDER; i++) {
    EXP[i] = v;
    EXP[i + ORDER] = v;
    LOG[v] = i;
    v <<= 1;
    if (v & 0x10000) v ^= FIELD_POLY;
  }
})();

export function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[(LOG[a] as number) + (LOG[b] as number)] as number;
}

export function gfDiv(a: number, b: number): number {
  if (b === 0) throw new RangeError('GF(2^16) division by zero');
  if (a === 0) return 0;
  return EXP[(LOG[a] as number) + ORDER - (LOG[b] as number)] as number;
}
