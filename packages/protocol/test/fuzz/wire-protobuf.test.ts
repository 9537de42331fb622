/**
 * Fuzzing the protobuf reader (walking every field of random and mutated
 * messages) and the scannable-fingerprint parser: 10 000 inputs each; only
 * ProtocolError may escape, and nothing is allocated beyond the input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fingerprint, ScannableFingerprint } from '../../src/fingerprint/index.js';
import { PrivateKey } from '../../src/keys/index.js';
import { ProtobufReader, ProtobufWriter, WireType } from '../../src/wire/protobuf.js';
import { fuzzDecoder } from './foundation-mutations.js';

/** Reads every field, recursing into length-delimited payloads that look like messages. */
function walk(bytes: Uint8Array, depth = 0): number {
  const r = new ProtobufReader(bytes);
  let fields = 0;
  while (!r.done()) {
    const { wireType } = r.tag();
    fields++;
    if (wireType === WireType.Varint) r.uint64();
    else if (wireType === WireType.Fixed64) r.fixed64();
    else if (wireType === WireType.Fixed32) r.fixed32();
    else {
      const payload = r.bytes();
      expect(payload.length).toBeLessThanOrEqual(bytes.length);
      if (depth < 3) {
        try {
          fields += walk(payload, depth + 1);
        } catch {
          // payloads need not be messages
        }
      }
    }
  }
  return fields;
}

const messages = fc
  .array(
    fc.oneof(
      fc.tuple(fc.integer({ min: 1, max: 40 }), fc.nat()).map(
        ([f, v]) =>
          (w: ProtobufWriter) =>
            w.uint32(f, v >>> 0),
      ),
      fc.tuple(fc.integer({ min: 1, max: 40 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })).map(
        ([f, v]) =>
          (w: ProtobufWriter) =>
            w.uint64(f, v),
      ),
      fc.tuple(fc.integer({ min: 1, max: 40 }), fc.uint8Array({ maxLength: 40 })).map(
        ([f, v]) =>
          (w: ProtobufWriter) =>
            w.bytes(f, v),
      ),
      fc.tuple(fc.integer({ min: 1, max: 40 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })).map(
        ([f, v]) =>
          (w: ProtobufWriter) =>
            w.fixed64(f, v),
      ),
      fc.tuple(fc.integer({ min: 1, max: 40 }), fc.nat()).map(
        ([f, v]) =>
          (w: ProtobufWriter) =>
            w.fixed32(f, v >>> 0),
      ),
    ),
    { maxLength: 8 },
  )
  .map((ops) => {
    const w = new ProtobufWriter();
    for (const op of ops) op(w);
    return w.finish();
  });

describe('wire decoders under fuzzing', () => {
  it('ProtobufReader walks random and mutated messages', () => {
    fuzzDecoder((b) => walk(b), messages, 200);
  });

  it('the writer output always reads back', () => {
    fc.assert(
      fc.property(messages, (m) => {
        walk(m);
      }),
      { numRuns: 2_000 },
    );
  });

  it('ScannableFingerprint.deserialize and compare', () => {
    const a = PrivateKey.generate().getPublicKey();
    const b = PrivateKey.generate().getPublicKey();
    const id = new Uint8Array(16);
    const fp = Fingerprint.create({
      iterations: 2,
      version: 2,
      localIdentifier: id,
      localKey: a,
      remoteIdentifier: id,
      remoteKey: b,
    });
    const valid = fc.constant(fp.scannable.serialize());
    fuzzDecoder((bytes) => ScannableFingerprint.deserialize(bytes), valid, 120);
    fuzzDecoder((bytes) => fp.scannable.compare(bytes), valid, 120);
  });
});
