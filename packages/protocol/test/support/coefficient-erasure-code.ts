/**
 * The erasure code's parity chunks computed the way tacet did before the
 * barycentric encoder (src/spqr/lagrange.ts): interpolate each polynomial's
 * coefficients, then evaluate them by Horner's rule. Kept as an independent
 * reference for the tests and the chunk benchmark; never used on the wire.
 */
import { gfDiv, gfMul } from '../../src/spqr/gf65536.js';

/** Coefficients (lowest degree first) of the polynomial through the points (xs[i], ys[i]). */
export function interpolate(xs: readonly number[], ys: readonly number[]): Uint16Array {
  const n = xs.length;
  // master(x) = Π (x - x_i); in characteristic 2, minus is xor.
  const master = new Uint16Array(n + 1);
  master[0] = 1;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j > 0; j--)
      master[j] = (master[j - 1] as number) ^ gfMul(master[j] as number, xs[i] as number);
    master[0] = gfMul(master[0] as number, xs[i] as number);
  }
  const out = new Uint16Array(n);
  const quotient = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const xi = xs[i] as number;
    // quotient = master / (x - xi), by synthetic division from the top.
    let carry = master[n] as number;
    for (let j = n - 1; j >= 0; j--) {
      quotient[j] = carry;
      carry = (master[j] as number) ^ gfMul(carry, xi);
    }
    let denominator = 0;
    for (let j = n - 1; j >= 0; j--) denominator = gfMul(denominator, xi) ^ (quotient[j] as number);
    const scale = gfDiv(ys[i] as number, denominator);
    for (let j = 0; j < n; j++) out[j] = (out[j] as number) ^ gfMul(quotient[j] as number, scale);
  }
  return out;
}

/** Horner evaluation of coefficients (lowest degree first) at x. */
export function evaluate(coefficients: Uint16Array, x: number): number {
  let acc = 0;
  for (let j = coefficients.length - 1; j >= 0; j--) acc = gfMul(acc, x) ^ (coefficients[j] as number);
  return acc;
}

/** Chunk `index` of `message` as 16 big-endian values, each polynomial interpolated and evaluated. */
export function referenceChunk(message: Uint8Array, index: number): Uint8Array {
  const symbols = message.length / 2;
  const data = new Uint8Array(32);
  for (let poly = 0; poly < 16; poly++) {
    const count = Math.floor(symbols / 16) + (poly < symbols % 16 ? 1 : 0);
    const xs = Array.from({ length: count }, (_, x) => x);
    const ys = xs.map(
      (x) => ((message[2 * (x * 16 + poly)] as number) << 8) | (message[2 * (x * 16 + poly) + 1] as number),
    );
    const value = index < count ? (ys[index] as number) : evaluate(interpolate(xs, ys), index);
    data[2 * poly] = value >> 8;
    data[2 * poly + 1] = value & 0xff;
  }
  return data;
}
