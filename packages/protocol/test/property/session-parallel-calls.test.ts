/**
 * Parallel 1:1 calls on one session (added by the groups helper with the
 * per-record lock in session-cipher.ts, prekey-decrypt.ts, process-bundle.ts):
 * every call is load → compute → save across awaits, so without the lock
 * parallel signalEncrypt calls all used counter 0 — the same AES key and IV
 * for different plaintexts — and all but one state change was lost.
 */
import { describe, expect, it } from 'vitest';
import {
  PreKeySignalMessage,
  processPreKeyBundle,
  SignalMessage,
  signalDecrypt,
  signalDecryptPreKey,
  signalEncrypt,
} from '../../src/session/index.js';
import { createTacetParty } from '../support/tacet-party.js';

const enc = (i: number) => new TextEncoder().encode(`parallel ${i}`);

describe('parallel calls on one session', () => {
  it('encrypts with distinct counters and the peer decrypts every message', async () => {
    const alice = createTacetParty('alice', 1);
    const bob = createTacetParty('bob', 1);
    await processPreKeyBundle(await bob.bundle(), bob.address, alice.stores, Date.now());
    const sent = await Promise.all(
      Array.from({ length: 8 }, (_, i) => signalEncrypt(enc(i), bob.address, alice.stores, Date.now())),
    );
    const counters = sent.map((m) =>
      m.type() === 3
        ? PreKeySignalMessage.deserialize(m.serialize()).message.counter
        : SignalMessage.deserialize(m.serialize()).counter,
    );
    expect(new Set(counters).size).toBe(8);
    const opened = await Promise.all(
      sent.map((m) => signalDecryptPreKey(m.serialize(), alice.address, bob.stores)),
    );
    expect(opened).toEqual(sent.map((_, i) => enc(i)));

    const replies = await Promise.all(
      Array.from({ length: 6 }, (_, i) => signalEncrypt(enc(100 + i), alice.address, bob.stores, Date.now())),
    );
    const back = await Promise.all(
      replies.map((m) => signalDecrypt(m.serialize(), bob.address, alice.stores)),
    );
    expect(back).toEqual(replies.map((_, i) => enc(100 + i)));
  });
});
