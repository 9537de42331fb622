/**
 * PQXDH initiation against libsignal 0.72.1 in both directions, with and
 * without a one-time prekey (docs/protocol.md §3): the first message
 * decrypts on the other side, PreKey messages repeat until the first reply,
 * prekeys are consumed only by a new session, and the reply ends the PreKey
 * phase.
 */
import { describe, expect, it } from 'vitest';
import { PreKeySignalMessage } from '../../src/index.js';
import { type LibsignalPeer, PAIRINGS, type Peer, TacetPeer } from '../support/session-peers.js';

const te = new TextEncoder();
const td = new TextDecoder();

async function roundTrip(from: Peer, to: Peer, text: string): Promise<number> {
  const wire = await from.encrypt(te.encode(text), to);
  expect(td.decode(await to.decrypt(wire, from))).toBe(text);
  return wire.type;
}

function prekeyIdsOf(peer: Peer): { preKeys: number; kyberUsed: number[] } {
  if (peer instanceof TacetPeer) {
    return {
      preKeys: peer.party.stores.preKeys.records.size,
      kyberUsed: peer.party.stores.kyberPreKeys.used,
    };
  }
  const p = (peer as LibsignalPeer).party;
  return { preKeys: p.preKeys.records.size, kyberUsed: p.kyberPreKeys.used };
}

describe.each(PAIRINGS)('PQXDH initiation, %s', (_name, make) => {
  it.each([true, false])(
    'one-time prekey %s: first message, repeats, reply, then Whisper',
    async (oneTime) => {
      const [alice, bob] = make();
      const bundle = await bob.bundle(oneTime);
      expect(prekeyIdsOf(bob).preKeys).toBe(oneTime ? 1 : 0);
      await alice.startSession(bob, bundle);

      const first = await alice.encrypt(te.encode('first'), bob);
      const second = await alice.encrypt(te.encode('second'), bob);
      expect([first.type, second.type]).toEqual([3, 3]);
      expect(first.bytes[0]).toBe(0x44);
      const m1 = PreKeySignalMessage.deserialize(first.bytes);
      const m2 = PreKeySignalMessage.deserialize(second.bytes);
      // Repeated PreKey messages carry the same base key, ids and KEM ciphertext (§3).
      expect(m2.baseKey).toEqual(m1.baseKey);
      expect(m2.kyberCiphertext).toEqual(m1.kyberCiphertext);
      expect(m1.preKeyId).toBe(oneTime ? bundle.preKey?.id : undefined);
      expect(m1.signedPreKeyId).toBe(bundle.signedPreKey.id);
      expect(m1.kyberPreKeyId).toBe(bundle.kyberPreKey.id);

      // Delivered out of order: the second creates the session, the first reuses it.
      expect(td.decode(await bob.decrypt(second, alice))).toBe('second');
      expect(td.decode(await bob.decrypt(first, alice))).toBe('first');
      expect(prekeyIdsOf(bob).preKeys).toBe(0);
      expect(prekeyIdsOf(bob).kyberUsed).toEqual([bundle.kyberPreKey.id]);

      expect(await roundTrip(bob, alice, 'reply')).toBe(2);
      expect(await roundTrip(alice, bob, 'after reply')).toBe(2);
      expect(await roundTrip(alice, bob, 'again')).toBe(2);
      expect(await roundTrip(bob, alice, 'and back')).toBe(2);
    },
  );
});

describe('PQXDH with ML-KEM-1024 prekeys (tacet ↔ tacet only)', () => {
  it('a 0x0A Kyber prekey sets up a working session', async () => {
    const alice = new TacetPeer('alice');
    const bob = new TacetPeer('bob');
    const bundle = await bob.party.bundle({ kemType: 0x0a });
    expect(bundle.kyberPreKey.publicKey.serialize()[0]).toBe(0x0a);
    await alice.startSession(bob, bundle);
    const first = await alice.encrypt(te.encode('pq'), bob);
    expect(PreKeySignalMessage.deserialize(first.bytes).kyberCiphertext[0]).toBe(0x0a);
    expect(td.decode(await bob.decrypt(first, alice))).toBe('pq');
    expect(await roundTrip(bob, alice, 'ok')).toBe(2);
  });
});
