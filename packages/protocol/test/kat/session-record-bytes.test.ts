/**
 * The bytes of stored session records stay those already on users' disks:
 * deterministic records of every shape (current and archived states, receiver
 * chains with skipped keys, a pending PreKey with and without a one-time key,
 * classic and SPQR states) encode to what the codec wrote at commit 0ff923f,
 * pinned by a hash, and decode back to equal records.
 */
import { describe, expect, it } from 'vitest';
import { decodeSessionRecord, encodeSessionRecord } from '../../src/session/record-codec.js';
import type { ReceiverChain, SessionState } from '../../src/session/session-state.js';
import type { PqRatchetState } from '../../src/spqr/ratchet.js';
import { lcgBytes, pqExchange, sha256OfAll } from '../support/deterministic-spqr.js';

/** SPQR states of both ends along a deterministic exchange with losses. */
function pqStates(steps: number): PqRatchetState[] {
  return pqExchange({
    seed: 7,
    keyFill: 9,
    steps,
    fromA: (i) => i % 4 !== 3,
    lostFromA: (i) => i % 7 === 0,
  }).flat();
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
    const bytes = lcgBytes(42);
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
    expect(sha256OfAll(records)).toBe('b842b18c35217ac58275aa88793010e33d92b08623a84d169a332b371f622814');
  });
});
