/**
 * The Double Ratchet's limits (docs/protocol.md §4.4–4.5), checked on
 * tacet and, where the behaviour is observable, on libsignal 0.72.1 receiving
 * the same kind of traffic: forward jump 25 000, 2 000 stored skipped keys,
 * 5 receiving chains, 40 archived states, 30-day unacknowledged sessions, and
 * hostile counters that must be refused before any key derivation.
 */
import { describe, expect, it } from 'vitest';
import {
  PreKeySignalMessage,
  ProtocolError,
  processPreKeyBundle,
  SessionRecord,
  SignalMessage,
  signalDecrypt,
  signalEncrypt,
} from '../../src/index.js';
import { nextChainKey } from '../../src/session/kdf.js';
import { failureOf, LibsignalPeer, type Peer, TacetPeer } from '../support/session-peers.js';

const te = new TextEncoder();
const td = new TextDecoder();

/**
 * Moves tacet `sender`'s sending chain `n` steps ahead, as if n messages were
 * lost. With `keys: false` only the counter moves (the MAC will be wrong),
 * enough for messages the receiver must refuse before deriving anything.
 */
async function skipAhead(sender: TacetPeer, to: Peer, n: number, keys = true): Promise<void> {
  const state = (await sender.party.stores.sessions.getSession(to.address))?.current;
  if (state === undefined) throw new Error('no session');
  let ck = state.senderChain.chainKey;
  for (let i = 0; keys && i < n; i++) ck = nextChainKey(ck);
  state.senderChain.chainKey = ck;
  state.senderChain.index += n;
}

/**
 * Tacet senders with acknowledged sessions to a tacet receiver (SPQR) and to a
 * libsignal 0.72.1 receiver (classic ratchet, which that version speaks).
 */
async function senderAndReceivers(): Promise<Array<{ sender: TacetPeer; r: Peer }>> {
  const pairs: Array<{ sender: TacetPeer; r: Peer }> = [
    { sender: new TacetPeer('sender'), r: new TacetPeer('tacet') },
    { sender: new TacetPeer('sender', undefined, { classic: true }), r: new LibsignalPeer('libsignal') },
  ];
  for (const { sender, r } of pairs) {
    await sender.startSession(r, await r.bundle(false));
    await r.decrypt(await sender.encrypt(te.encode('hi'), r), sender);
    await sender.decrypt(await r.encrypt(te.encode('ack'), sender), r);
    await r.decrypt(await sender.encrypt(te.encode('chain at index 0'), r), sender);
  }
  return pairs;
}

describe('forward jumps', () => {
  it('a jump of 25 001 fails in both implementations', async () => {
    for (const { sender, r } of await senderAndReceivers()) {
      await skipAhead(sender, r, 25_001, false);
      const tooFar = await sender.encrypt(te.encode('too far'), r);
      expect(await failureOf(r.decrypt(tooFar, sender))).toBe('invalid');
    }
  });

  // libsignal needs ~5 s for this jump (tacet ~70 ms): the one slow interop case here.
  it('a jump of 25 000 passes and keeps the newest 2 000 skipped keys, in both', async () => {
    for (const { sender, r } of await senderAndReceivers()) {
      // The receiving chain stands at index 1; the last message (25 001) jumps exactly 25 000,
      // and of the skipped 1..25 000 only 23 001..25 000 are kept.
      await skipAhead(sender, r, 22_999);
      const dropped = await sender.encrypt(te.encode('dropped'), r);
      const kept = await sender.encrypt(te.encode('kept'), r);
      await skipAhead(sender, r, 25_001 - 23_002);
      const last = await sender.encrypt(te.encode('last'), r);
      expect(td.decode(await r.decrypt(last, sender))).toBe('last');
      expect(td.decode(await r.decrypt(kept, sender))).toBe('kept');
      expect(await failureOf(r.decrypt(dropped, sender))).toBe('duplicate');
    }
  }, 120_000);

  it('a counter of 2^32 − 1 is refused before deriving anything', async () => {
    const [first] = await senderAndReceivers();
    const { sender } = first as { sender: TacetPeer };
    const tacet = (first as { r: Peer }).r as TacetPeer;
    const state = (await sender.party.stores.sessions.getSession(tacet.address))?.current;
    if (state === undefined) throw new Error('no session');
    const forged = SignalMessage.create({
      messageVersion: 4,
      macKey: new Uint8Array(32),
      senderIdentityKey: state.localIdentityKey,
      receiverIdentityKey: state.remoteIdentityKey,
      ratchetKey: state.senderChain.ratchetPublic,
      counter: 0xffff_ffff,
      previousCounter: 0,
      ciphertext: new Uint8Array(16),
    });
    const started = performance.now();
    const error = await signalDecrypt(forged.serialize(), sender.address, tacet.party.stores).catch((e) => e);
    // Generous for a loaded CI machine; deriving even 10^6 keys takes seconds, 2^32 takes hours.
    expect(performance.now() - started).toBeLessThan(500);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe('InvalidMessage');
  });

  it('a note-to-self session (same identity both ends) allows jumps past 25 000 but stays bounded', async () => {
    const me = new TacetPeer('me');
    // A second device of the same account shares the identity key pair.
    const other = new TacetPeer('me-device-2', me.party.identity);
    await me.startSession(other, await other.party.bundle({ oneTime: false }));
    await other.decrypt(await me.encrypt(te.encode('first'), other), me);
    await skipAhead(me, other, 30_000);
    expect(td.decode(await other.decrypt(await me.encrypt(te.encode('far'), other), me))).toBe('far');
    await skipAhead(me, other, 600_000, false);
    const started = performance.now();
    expect(await failureOf(other.decrypt(await me.encrypt(te.encode('too far'), other), me))).toBe('invalid');
    // Generous for a loaded CI machine; deriving even 10^6 keys takes seconds, 2^32 takes hours.
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('receiving chains', () => {
  it('a held message decrypts while its chain is among the last 5, in both implementations', async () => {
    for (const receiverImpl of ['tacet', 'libsignal'] as const) {
      const alice = new TacetPeer('alice', undefined, { classic: receiverImpl === 'libsignal' });
      const bob: Peer = receiverImpl === 'tacet' ? new TacetPeer('bob') : new LibsignalPeer('bob');
      await alice.startSession(bob, await bob.bundle(false));
      await bob.decrypt(await alice.encrypt(te.encode('hello'), bob), alice);
      const held: Array<Awaited<ReturnType<Peer['encrypt']>>> = [];
      for (let round = 0; round < 6; round++) {
        await alice.decrypt(await bob.encrypt(te.encode('ping'), alice), bob);
        // Alice's new chain: one message delivered, one held back.
        await bob.decrypt(await alice.encrypt(te.encode(`round ${round}`), bob), alice);
        held.push(await alice.encrypt(te.encode(`held ${round}`), bob));
      }
      // Bob has seen 7 chains from Alice (the first plus 6); the last 5 remain.
      expect(await failureOf(bob.decrypt(held[0] as never, alice))).toBe('invalid');
      expect(td.decode(await bob.decrypt(held[1] as never, alice))).toBe('held 1');
      expect(td.decode(await bob.decrypt(held[5] as never, alice))).toBe('held 5');
    }
  });
});

describe('records', () => {
  it('keeps at most 40 archived states, most recent first', async () => {
    const alice = new TacetPeer('alice');
    const bob = new TacetPeer('bob');
    const bundle = await bob.party.bundle({ oneTime: false });
    const baseKeys: Uint8Array[] = [];
    for (let i = 0; i < 43; i++) {
      await processPreKeyBundle(bundle, bob.address, alice.party.stores, Date.now());
      const first = await signalEncrypt(te.encode('x'), bob.address, alice.party.stores);
      baseKeys.push(PreKeySignalMessage.deserialize(first.serialize()).baseKey);
    }
    const record = (await alice.party.stores.sessions.getSession(bob.address)) as SessionRecord;
    expect(record.archived.length).toBe(40);
    expect(record.current?.aliceBaseKey).toEqual(baseKeys[42]);
    expect(record.archived[0]?.aliceBaseKey).toEqual(baseKeys[41]);
    expect(record.archived[39]?.aliceBaseKey).toEqual(baseKeys[2]);
    // Archived states never send PreKey messages again.
    expect(record.archived.every((s) => s.pendingPreKey === undefined)).toBe(true);
    expect(SessionRecord.deserialize(record.serialize()).archived.length).toBe(40);
  });

  it('an unacknowledged session cannot send after 30 days', async () => {
    const alice = new TacetPeer('alice');
    const bob = new TacetPeer('bob');
    const start = Date.UTC(2026, 0, 1);
    await processPreKeyBundle(await bob.bundle(false), bob.address, alice.party.stores, start);
    const day = 24 * 3600 * 1000;
    expect(
      (await signalEncrypt(te.encode('a'), bob.address, alice.party.stores, start + 30 * day)).type(),
    ).toBe(3);
    await expect(
      signalEncrypt(te.encode('b'), bob.address, alice.party.stores, start + 31 * day),
    ).rejects.toMatchObject({
      code: 'NoSession',
    });
  });
});
