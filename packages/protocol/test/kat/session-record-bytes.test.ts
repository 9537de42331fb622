/**
 * The bytes of stored session records stay those already on users' disks:
 * deterministic records of every shape (current and archived states, receiver
 * chains with skipped keys, a pending PreKey with and without a one-time key,
 * classic and SPQR states) encode to what the codec wrote at commit 0ff923f,
 * pinned by a hash, and decode back to equal records.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { decodeSessionRecord, encodeSessionRecord } from '../../src/session/record-codec.js';
import type { ReceiverChain, SessionState } from '../../src/session/session-state.js';
import type { PqRatchetState } from '../../src/spqr/ratchet.js';
import { initialPqRatchet, pqRecv, pqSend } from '../../src/spqr/ratchet.js';

/** Deterministic bytes (an LCG), so every record repeats run after run. */
function lcg(seed: number) {
  return (n: number) =>
    Uint8Array.from({ length: n }, () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 24;
    });
}

/** SPQR states of both ends along a deterministic exchange with losses. */
function pqStates(count: number): PqRatchetState[] {
  const random = lcg(7);
  const key = new Uint8Array(32).fill(9);
  let a = initialPqRatchet(key, true, false);
  let b = initialPqRatchet(key, false, false);
  const out: PqRatchetState[] = [];
  for (let i = 0; i < count; i++) {
    const fromA = i % 4 !== 3;
    const s = pqSend(fromA ? a : b, random);
    if (fromA) {
      a = s.state;
      if (i % 7 !== 0) b = pqRecv(b, s.message).state;
    } else {
      b = s.state;
      a = pqRecv(a, s.message).state;
    }
    out.push(a, b);
  }
  return out;
}

function state(bytes: (n: number) => Uint8Array, i: number, pq: PqRatchetState | undefined): SessionState {
  const chains: ReceiverChain[] = Array.from({ length: i % 4 }, (_, c) => ({
    ratchetPublic: bytes(32),
    chainKey: bytes(32),
    index: 300 + c * 70_000,
    skipped: new Map(Array.from({ length: (i + c) % 5 }, (_, k) => [k * 37 + c, bytes(32)] as const)),
  }));
  return {
    version: 4,
    localIdentityKey: bytes(33),
    remoteIdentityKey: bytes(33),
    rootKey: bytes(32),
    previousCounter: i * 1000,
    senderChain: { ratchetPublic: bytes(32), ratchetPrivate: bytes(32), chainKey: bytes(32), index: i * 129 },
    receiverChains: chains,
    pendingPreKey:
      i % 3 === 0
        ? undefined
        : {
            preKeyId: i % 3 === 1 ? 0xffffff - i : undefined,
            signedPreKeyId: i,
            baseKey: bytes(33),
            timestamp: 1_700_000_000_000 + i,
            kyberPreKeyId: 2 ** 31 + i,
            kyberCiphertext: bytes(1569),
          },
    localRegistrationId: 16_000 - i,
    remoteRegistrationId: i + 1,
    aliceBaseKey: bytes(33),
    pqRatchet: pq,
  };
}

describe('stored session record bytes', () => {
  it('encode to the bytes of the earlier codec and decode back to equal records', () => {
    const bytes = lcg(42);
    const pqs = pqStates(40);
    const records: Uint8Array[] = [];
    for (let i = 0; i < 60; i++) {
      const pq = i % 5 === 4 ? undefined : pqs[i % pqs.length];
      const current = i % 9 === 8 ? undefined : state(bytes, i, pq);
      const archived = Array.from({ length: i % 3 }, (_, k) =>
        state(bytes, i + k + 1, pqs[(i + k) % pqs.length]),
      );
      const encoded = encodeSessionRecord(current, archived);
      const decoded = decodeSessionRecord(encoded);
      expect(encodeSessionRecord(decoded.current, decoded.archived)).toEqual(encoded);
      records.push(encoded);
    }
    const joined = new Uint8Array(records.reduce((n, r) => n + r.length, 0));
    let at = 0;
    for (const r of records) {
      joined.set(r, at);
      at += r.length;
    }
    expect(Buffer.from(sha256(joined)).toString('hex')).toBe(
      'b842b18c35217ac58275aa88793010e33d92b08623a84d169a332b371f622814',
    );
  });
});
