import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { decodeSpqrMessage, PayloadType } from '../../src/spqr/message.js';
import { initialPqRatchet, type PqRatchetState, pqRecv, pqSend } from '../../src/spqr/ratchet.js';

/** Deterministic xorshift randomness so a failure replays. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

const authKey = new Uint8Array(32).fill(41);

interface Party {
  state: PqRatchetState;
}

function pair(): [Party, Party] {
  return [
    { state: initialPqRatchet(authKey, true, false) },
    { state: initialPqRatchet(authKey, false, false) },
  ];
}

function send(p: Party): { message: Uint8Array; key: Uint8Array } {
  const s = pqSend(p.state);
  p.state = s.state;
  return s;
}

function recv(p: Party, message: Uint8Array): Uint8Array | undefined {
  const r = pqRecv(p.state, message);
  p.state = r.state;
  return r.key;
}

function toHex(b: Uint8Array | undefined): string {
  return b === undefined ? 'none' : Buffer.from(b).toString('hex');
}

describe('SPQR ratchet, tacet to tacet', () => {
  it('alternating messages agree on every key and advance epochs', () => {
    const [a, b] = pair();
    let maxEpoch = 0;
    for (let i = 0; i < 400; i++) {
      const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
      const m = send(from);
      expect(toHex(recv(to, m.message))).toBe(toHex(m.key));
      maxEpoch = Math.max(maxEpoch, decodeSpqrMessage(m.message).epoch);
    }
    // Each epoch needs header (3) + ek (36) one way and ct1 (30) + ct2 (5) the other.
    expect(maxEpoch).toBeGreaterThanOrEqual(4);
  });

  it('survives loss, reordering and long one-sided runs', () => {
    const random = rng(7);
    const [a, b] = pair();
    let maxEpoch = 0;
    for (let round = 0; round < 60; round++) {
      const [from, to] = round % 2 === 0 ? [a, b] : [b, a];
      const burst = 1 + Math.floor(random() * (round % 7 === 0 ? 120 : 12));
      const sent = Array.from({ length: burst }, () => send(from));
      // Drop ~20%, deliver the rest shuffled; the last one is always delivered.
      const kept = sent.filter((_, i) => i === sent.length - 1 || random() > 0.2);
      for (let i = kept.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [kept[i], kept[j]] = [kept[j] as (typeof kept)[number], kept[i] as (typeof kept)[number]];
      }
      for (const m of kept) {
        expect(toHex(recv(to, m.message))).toBe(toHex(m.key));
        maxEpoch = Math.max(maxEpoch, decodeSpqrMessage(m.message).epoch);
      }
    }
    expect(maxEpoch).toBeGreaterThanOrEqual(3);
  });

  it('refuses a replayed payload and an empty one, leaving the state usable', () => {
    const [a, b] = pair();
    const m = send(a);
    recv(b, m.message);
    expect(() => pqRecv(b.state, m.message)).toThrow(ProtocolError);
    expect(() => pqRecv(b.state, new Uint8Array(0))).toThrow(
      expect.objectContaining({ code: 'PqRatchetRequired' }),
    );
    const next = send(a);
    expect(toHex(recv(b, next.message))).toBe(toHex(next.key));
  });

  it('the initiator opens with header chunks, the responder with empty payloads', () => {
    const [a, b] = pair();
    expect(decodeSpqrMessage(send(a).message).type).toBe(PayloadType.Hdr);
    expect(decodeSpqrMessage(send(b).message).type).toBe(PayloadType.None);
  });
});
