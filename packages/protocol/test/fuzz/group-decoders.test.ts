/**
 * Fuzzing every group decoder with 10 000 random and mutated inputs each
 * (fast-check, explicit numRuns): only ProtocolError may escape, and every
 * input is handled in bounded time. Decrypting mutated messages end to end
 * additionally proves none is ever accepted with altered content.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  groupDecrypt,
  groupEncrypt,
  SenderKeyDistributionMessage,
  SenderKeyMessage,
  SenderKeyRecord,
} from '../../src/group/index.js';
import { fuzzInput, onlyProtocolErrors, onlyProtocolErrorsAsync } from '../support/fuzz-inputs.js';
import { ALICE, DIST, groupPair, messageAt } from '../support/group-helpers.js';

const enc = (s: string) => new TextEncoder().encode(s);
const RUNS = 10_000;

async function samples() {
  const { aliceStore, bobStore, skdm } = await groupPair();
  const messages = [
    (await groupEncrypt(ALICE, DIST, aliceStore, enc('hello'))).serialize(),
    (await groupEncrypt(ALICE, DIST, aliceStore, new Uint8Array(100))).serialize(),
  ];
  await groupDecrypt(ALICE, bobStore, await messageAt(aliceStore, skdm, 5, enc('skip')));
  const record = (await bobStore.getSenderKey(ALICE, DIST)) as SenderKeyRecord;
  const own = (await aliceStore.getSenderKey(ALICE, DIST)) as SenderKeyRecord;
  return { bobStore, skdm, messages, records: [record.serialize(), own.serialize()] };
}

describe('group decoders under fuzzing', async () => {
  const s = await samples();

  it('SenderKeyDistributionMessage.deserialize', () => {
    fc.assert(
      fc.property(fuzzInput([s.skdm.serialize()], [0x33]), (bytes) => {
        onlyProtocolErrors(() => SenderKeyDistributionMessage.deserialize(bytes));
      }),
      { numRuns: RUNS },
    );
  });

  it('SenderKeyMessage.deserialize', () => {
    fc.assert(
      fc.property(fuzzInput(s.messages, [0x33]), (bytes) => {
        onlyProtocolErrors(() => SenderKeyMessage.deserialize(bytes));
      }),
      { numRuns: RUNS },
    );
  });

  it('SenderKeyRecord.deserialize', () => {
    fc.assert(
      fc.property(fuzzInput(s.records), (bytes) => {
        if (onlyProtocolErrors(() => SenderKeyRecord.deserialize(bytes))) {
          // whatever is accepted re-encodes to a record that decodes again
          const again = SenderKeyRecord.deserialize(bytes).serialize();
          expect(SenderKeyRecord.deserialize(again).serialize()).toEqual(again);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('groupDecrypt never accepts a mutated message', async () => {
    const originals = new Set(s.messages.map((m) => m.join()));
    await fc.assert(
      fc.asyncProperty(fuzzInput(s.messages, [0x33]), async (bytes) => {
        const accepted = await onlyProtocolErrorsAsync(() => groupDecrypt(ALICE, s.bobStore, bytes));
        // The only acceptable successes are the genuine bytes themselves.
        if (accepted) expect(originals.has(bytes.join())).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
