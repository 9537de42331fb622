/**
 * Fuzzing SPQR's decoders: the field-5 message, the stored state, and a live
 * receive with mutated payloads from every braid stage. Only ProtocolError may
 * escape, and a refused payload leaves the state usable.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSpqrMessage } from '../../src/spqr/message.js';
import { initialPqRatchet, type PqRatchetState, pqRecv, pqSend } from '../../src/spqr/ratchet.js';
import { decodePqRatchet, encodePqRatchet } from '../../src/spqr/state-codec.js';
import { fuzzInput, onlyProtocolErrors } from '../support/fuzz-inputs.js';

const RUNS = 3_000;

/**
 * An exchange that passes through every braid state: first three messages
 * from A per one from B (so A's key completes before B's ciphertext is
 * acknowledged), then strictly alternating. Records payloads and states.
 */
function traffic() {
  const key = new Uint8Array(32).fill(9);
  let a: PqRatchetState = initialPqRatchet(key, true, false);
  let b: PqRatchetState = initialPqRatchet(key, false, false);
  const payloads: Uint8Array[] = [];
  const states: Uint8Array[] = [];
  const tags = new Set<string>();
  for (let i = 0; i < 400; i++) {
    const fromA = i < 160 ? i % 4 !== 3 : i % 2 === 0;
    const s = pqSend(fromA ? a : b);
    const r = pqRecv(fromA ? b : a, s.message);
    if (fromA) [a, b] = [s.state, r.state];
    else [b, a] = [s.state, r.state];
    payloads.push(s.message);
    for (const st of [a, b]) {
      tags.add(st.braid.tag);
      if (i % 9 === 0) states.push(encodePqRatchet(st));
    }
  }
  return { a, b, payloads, states, tags };
}

const t = traffic();

describe('SPQR decoder fuzzing', () => {
  it('the exchange visited every braid state', () => {
    expect(t.tags.size).toBe(11);
  });

  it('stored states round-trip byte for byte', () => {
    // vitest's deep equality is slow on kilobyte arrays: compare as hex.
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    for (const bytes of t.states) expect(hex(encodePqRatchet(decodePqRatchet(bytes)))).toBe(hex(bytes));
  });

  it(`decodeSpqrMessage: ${RUNS} inputs`, () => {
    fc.assert(
      fc.property(fuzzInput(t.payloads, [0x01]), (bytes) => {
        onlyProtocolErrors(() => decodeSpqrMessage(bytes));
      }),
      { numRuns: RUNS },
    );
  });

  it(`decodePqRatchet: ${RUNS} inputs`, () => {
    fc.assert(
      fc.property(fuzzInput(t.states), (bytes) => {
        onlyProtocolErrors(() => decodePqRatchet(bytes));
      }),
      { numRuns: RUNS },
    );
  });

  it(`pqRecv on live states: ${RUNS} mutated payloads, then the session goes on`, () => {
    fc.assert(
      fc.property(fuzzInput(t.payloads, [0x01]), (bytes) => {
        onlyProtocolErrors(() => pqRecv(t.a, bytes));
        onlyProtocolErrors(() => pqRecv(t.b, bytes));
      }),
      { numRuns: RUNS },
    );
    const s = pqSend(t.a);
    expect(Buffer.from(pqRecv(t.b, s.message).key ?? []).toString('hex')).toBe(
      Buffer.from(s.key).toString('hex'),
    );
  });
});
