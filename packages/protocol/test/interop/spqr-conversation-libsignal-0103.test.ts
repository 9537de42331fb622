/**
 * SPQR interop with libsignal-client 0.103.0 (which requires SPQR on every
 * session): 500-message conversations in each pairing, with bursts, long
 * one-sided runs (the braid's chunks must keep flowing one way), reordering,
 * loss (the erasure code must make up for missing chunks) and replays. Every
 * delivered message decrypts exactly once, and the braid must have completed
 * several ML-KEM epochs, read from field 5 of the messages on the wire.
 */
import { describe, expect, it } from 'vitest';
import { PreKeySignalMessage, SignalMessage } from '../../src/index.js';
import { decodeSpqrMessage } from '../../src/spqr/message.js';
import { seededRandom } from '../support/delivery-schedule.js';
import { Libsignal0103Peer } from '../support/libsignal-0103.js';
import { failureOf, type Peer, TacetPeer, type Wire } from '../support/session-peers.js';

const te = new TextEncoder();
const td = new TextDecoder();

const PAIRINGS_0103: Array<[string, () => [Peer, Peer]]> = [
  ['tacet → libsignal 0.103', () => [new TacetPeer('alice'), new Libsignal0103Peer('bob')]],
  ['libsignal 0.103 → tacet', () => [new Libsignal0103Peer('alice'), new TacetPeer('bob')]],
  ['tacet → tacet', () => [new TacetPeer('alice'), new TacetPeer('bob')]],
];

/** The SPQR epoch a wire message carries in field 5. */
export function spqrEpochOf(wire: Wire): number {
  const signal =
    wire.type === 3
      ? PreKeySignalMessage.deserialize(wire.bytes).message
      : SignalMessage.deserialize(wire.bytes);
  return decodeSpqrMessage(signal.pqRatchet).epoch;
}

interface InFlight {
  from: Peer;
  to: Peer;
  wire: Wire;
  text: string;
  lost: boolean;
}

describe.each(PAIRINGS_0103)('500-message SPQR conversation, %s', (_name, make) => {
  it.each([0x5e9a, 103])(
    'bursts, long one-sided runs, reordering, loss and replays (seed %i)',
    async (seed) => {
      const rng = seededRandom(seed);
      const [alice, bob] = make();
      await alice.startSession(bob, await bob.bundle(true));
      let sent = 0;
      let decrypted = 0;
      let lost = 0;
      let duplicates = 0;
      let maxEpoch = 0;
      let longestRun = 0;
      const delivered: InFlight[] = [];
      const send = async (from: Peer, to: Peer, canLose: boolean): Promise<InFlight> => {
        const text = `${from.name}#${sent++}`;
        const wire = await from.encrypt(te.encode(text), to);
        maxEpoch = Math.max(maxEpoch, spqrEpochOf(wire));
        return { from, to, wire, text, lost: canLose && rng() < 0.1 };
      };
      const deliver = async (batch: InFlight[]): Promise<void> => {
        for (let i = batch.length - 1; i > 0; i--) {
          const j = Math.floor(rng() * (i + 1));
          [batch[i], batch[j]] = [batch[j] as InFlight, batch[i] as InFlight];
        }
        for (const m of batch) {
          if (m.lost) {
            lost++;
            continue;
          }
          expect(td.decode(await m.to.decrypt(m.wire, m.from))).toBe(m.text);
          decrypted++;
          delivered.push(m);
        }
      };
      // Bob must hear from Alice before he has a session.
      await deliver([await send(alice, bob, false)]);
      while (sent < 500) {
        const [from, to] = rng() < 0.5 ? [alice, bob] : [bob, alice];
        // Mostly short bursts; now and then a long run one way (60–120 messages).
        const burst = rng() < 0.04 ? 60 + Math.floor(rng() * 60) : 1 + Math.floor(rng() * 4);
        longestRun = Math.max(longestRun, burst);
        const batch: InFlight[] = [];
        for (let i = 0; i < burst && sent < 500; i++) batch.push(await send(from, to, true));
        await deliver(batch);
        if (rng() < 0.3) {
          const recent = delivered.slice(-3);
          const m = recent[Math.floor(rng() * recent.length)];
          if (m !== undefined) {
            expect(await failureOf(m.to.decrypt(m.wire, m.from))).toBe('duplicate');
            duplicates++;
          }
        }
      }
      expect(decrypted + lost).toBe(500);
      expect(lost).toBeGreaterThan(20);
      expect(duplicates).toBeGreaterThan(10);
      expect(longestRun).toBeGreaterThanOrEqual(60);
      // Each epoch moves a 96-byte header, a 1152-byte key and a 1088-byte ciphertext in chunks.
      expect(maxEpoch).toBeGreaterThanOrEqual(3);
    },
    60_000,
  );
});
