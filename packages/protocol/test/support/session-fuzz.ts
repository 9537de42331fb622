/**
 * Byte-level fuzz inputs for the session decoders: random byte strings and
 * mutations of valid samples (bit flips, byte overwrites, truncation,
 * insertion, duplicated or swapped slices), as fast-check arbitraries so a
 * failure shrinks to a small reproducer.
 */
import fc from 'fast-check';
import { ProtocolError } from '../../src/index.js';

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'repeat'; at: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
);

function apply(input: Uint8Array, m: Mutation): Uint8Array {
  if (input.length === 0) return m.kind === 'insert' ? m.bytes : input;
  const at = m.at % input.length;
  const out = input.slice();
  if (m.kind === 'flip') out[at] = (out[at] as number) ^ (1 << m.bit);
  else if (m.kind === 'set') out[at] = m.value;
  else if (m.kind === 'truncate') return input.subarray(0, at);
  else if (m.kind === 'insert') return join(input.subarray(0, at), m.bytes, input.subarray(at));
  else {
    const slice = input.subarray(at, at + m.length);
    return join(input.subarray(0, at), slice, slice, input.subarray(at + m.length));
  }
  return out;
}

function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Random bytes (mostly short) or 1–4 mutations of one of `samples`. */
export function fuzzInput(samples: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const mutated = fc
    .tuple(
      fc.integer({ min: 0, max: samples.length - 1 }),
      fc.array(mutation, { minLength: 1, maxLength: 4 }),
    )
    .map(([i, ms]) => ms.reduce(apply, samples[i] as Uint8Array));
  return fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    { weight: 4, arbitrary: mutated },
  );
}

/** Runs `f`; anything thrown must be a ProtocolError. Returns whether `f` succeeded. */
export async function onlyProtocolErrors(f: () => unknown): Promise<boolean> {
  try {
    await f();
    return true;
  } catch (e) {
    if (e instanceof ProtocolError) return false;
    throw e;
  }
}
