/**
 * fast-check arbitraries for decoder fuzzing: random bytes, and valid
 * samples mutated (bit flips, byte overwrites, truncation, insertion,
 * duplication of a slice) so inputs reach deep into the parsers.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { ProtocolError } from '../../src/errors.js';

type Mutation = (b: Uint8Array) => Uint8Array;

const flip = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(
  ([at, bit]): Mutation =>
    (b) => {
      if (b.length === 0) return b;
      const c = b.slice();
      const i = at % c.length;
      c[i] = (c[i] as number) ^ (1 << bit);
      return c;
    },
);
const overwrite = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(
  ([at, value]): Mutation =>
    (b) => {
      if (b.length === 0) return b;
      const c = b.slice();
      c[at % c.length] = value;
      return c;
    },
);
const truncate = fc.nat().map(
  (n): Mutation =>
    (b) =>
      b.slice(0, n % (b.length + 1)),
);
const insert = fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(
  ([at, extra]): Mutation =>
    (b) => {
      const i = at % (b.length + 1);
      return Uint8Array.of(...b.subarray(0, i), ...extra, ...b.subarray(i));
    },
);
const duplicateSlice = fc.tuple(fc.nat(), fc.nat({ max: 40 })).map(
  ([at, len]): Mutation =>
    (b) => {
      const i = at % (b.length + 1);
      return Uint8Array.of(...b.subarray(0, i), ...b.subarray(i, i + len), ...b.subarray(i));
    },
);
const mutation = fc.oneof(flip, flip, overwrite, truncate, insert, duplicateSlice);

/** Valid samples with 1–4 mutations applied. */
export function mutatedFrom(samples: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...samples), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([sample, mutations]) => mutations.reduce((b, m) => m(b), sample));
}

/** Random bytes up to `maxLength`, sometimes starting with a plausible version byte. */
export function randomInput(maxLength = 300, prefixes: number[] = []): fc.Arbitrary<Uint8Array> {
  const raw = fc.uint8Array({ maxLength });
  if (prefixes.length === 0) return raw;
  return fc.oneof(
    raw,
    fc.tuple(fc.constantFrom(...prefixes), raw).map(([p, b]) => Uint8Array.of(p, ...b)),
  );
}

/** Half random, half mutated inputs. */
export function fuzzInput(samples: readonly Uint8Array[], prefixes: number[] = []): fc.Arbitrary<Uint8Array> {
  return fc.oneof(randomInput(300, prefixes), mutatedFrom(samples));
}

/** Runs `decode`; anything thrown must be a ProtocolError. Returns whether it accepted. */
export function onlyProtocolErrors(decode: () => unknown): boolean {
  try {
    decode();
    return true;
  } catch (error) {
    if (!(error instanceof ProtocolError)) {
      expect.fail(`non-ProtocolError escaped: ${String(error)}`);
    }
    return false;
  }
}

/** Async flavour of onlyProtocolErrors. */
export async function onlyProtocolErrorsAsync(decode: () => Promise<unknown>): Promise<boolean> {
  try {
    await decode();
    return true;
  } catch (error) {
    if (!(error instanceof ProtocolError)) {
      expect.fail(`non-ProtocolError escaped: ${String(error)}`);
    }
    return false;
  }
}
