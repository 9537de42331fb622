/**
 * fast-check arbitraries for decoder fuzzing: uniformly random byte strings
 * and valid encodings with a few structural mutations (bit flips, byte
 * overwrites, truncation, insertion, deletion), plus the one property every
 * decoder of outside bytes must have: it returns, or throws a ProtocolError.
 */
import fc from 'fast-check';
import { ProtocolError } from '../../src/errors.js';

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.oneof(fc.constantFrom(0, 0x7f, 0x80, 0xff), fc.nat(255)),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
);

function apply(bytes: Uint8Array, m: Mutation): Uint8Array {
  const at = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
  const out = bytes.slice();
  switch (m.kind) {
    case 'flip':
      if (at < out.length) out[at] = (out[at] as number) ^ (1 << m.bit);
      return out;
    case 'set':
      if (at < out.length) out[at] = m.value;
      return out;
    case 'truncate':
      return out.slice(0, at);
    case 'insert': {
      const grown = new Uint8Array(out.length + m.bytes.length);
      grown.set(out.subarray(0, at), 0);
      grown.set(m.bytes, at);
      grown.set(out.subarray(at), at + m.bytes.length);
      return grown;
    }
    case 'delete': {
      const end = Math.min(out.length, at + m.length);
      const shrunk = new Uint8Array(out.length - (end - at));
      shrunk.set(out.subarray(0, at), 0);
      shrunk.set(out.subarray(end), at);
      return shrunk;
    }
  }
}

/** A valid encoding (from `valid`) with 1–4 random mutations applied. */
export function mutated(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([bytes, ms]) => ms.reduce(apply, bytes));
}

/** Random bytes, biased towards short inputs and protobuf-looking prefixes. */
export function randomBytes(maxLength: number): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: Math.min(maxLength, 80) }),
    fc.uint8Array({ minLength: 0, maxLength }),
    fc
      .tuple(fc.constantFrom(0x05, 0x08, 0x0a, 0x12, 0x1a, 0x22, 0x29), fc.uint8Array({ maxLength }))
      .map(([b, rest]) => Uint8Array.of(b, ...rest)),
  );
}

/** Runs `decode`; true when it returned or threw a ProtocolError, false for any other exception. */
export function onlyProtocolErrors(decode: (bytes: Uint8Array) => unknown): (bytes: Uint8Array) => boolean {
  return (bytes) => {
    try {
      decode(bytes);
      return true;
    } catch (e) {
      if (e instanceof ProtocolError) return true;
      throw e;
    }
  };
}

/** The per-decoder budget: at least 10 000 inputs, half random and half mutated. */
export const RUNS_EACH = 5_000;

/** Asserts the property over RUNS_EACH random and RUNS_EACH mutated inputs. */
export function fuzzDecoder(
  decode: (bytes: Uint8Array) => unknown,
  valid: fc.Arbitrary<Uint8Array>,
  maxRandomLength: number,
): void {
  const property = onlyProtocolErrors(decode);
  fc.assert(fc.property(randomBytes(maxRandomLength), property), { numRuns: RUNS_EACH });
  fc.assert(fc.property(mutated(valid), property), { numRuns: RUNS_EACH });
}
