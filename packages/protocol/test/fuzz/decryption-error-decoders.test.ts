/**
 * Fuzzing the retry-receipt decoders (docs/protocol.md §5.5) with random and mutated
 * inputs: only ProtocolError may escape, and whatever decodes re-encodes to
 * the bytes it came from.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecryptionErrorMessage, KeyPair, PlaintextContent } from '../../src/index.js';
import { fuzzInput, onlyProtocolErrors } from '../support/session-fuzz.js';

const RUNS = 5_000;
const dems = [
  DecryptionErrorMessage.create(KeyPair.generate().publicKey, 1_765_000_000_000, 1),
  DecryptionErrorMessage.create(undefined, 42, 7),
];

describe('retry receipt decoder fuzzing', () => {
  it(`DecryptionErrorMessage.deserialize: ${RUNS} inputs`, async () => {
    await fc.assert(
      fc.asyncProperty(fuzzInput(dems.map((d) => d.serialize())), async (bytes) => {
        if (await onlyProtocolErrors(() => DecryptionErrorMessage.deserialize(bytes)))
          expect(DecryptionErrorMessage.deserialize(bytes).serialize()).toEqual(bytes);
      }),
      { numRuns: RUNS },
    );
  });

  it(`PlaintextContent and the error in its body: ${RUNS} inputs`, async () => {
    const samples = dems.map((d) => PlaintextContent.from(d).serialize());
    await fc.assert(
      fc.asyncProperty(fuzzInput(samples), async (bytes) => {
        await onlyProtocolErrors(() => PlaintextContent.deserialize(bytes).decryptionErrorMessage());
      }),
      { numRuns: RUNS },
    );
  });
});
