/**
 * A 200-message conversation against libsignal 0.72.1 (classic ratchet) and
 * 0.103 (SPQR) in every pairing
 * (docs/protocol.md §4): random bursts both ways, reordering inside a
 * window, lost messages, replays that must be reported as duplicates, and
 * both peers restarting the session from a fresh bundle mid-conversation, so
 * PreKey messages arrive while an old session exists and old in-flight
 * messages still decrypt through archived states.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../support/delivery-schedule.js';
import { Libsignal0103Peer } from '../support/libsignal-0103.js';
import { failureOf, PAIRINGS, type Peer, TacetPeer, type Wire } from '../support/session-peers.js';

/** The same script with SPQR on both sides, restarts included. */
const PAIRINGS_0103: Array<[string, () => [Peer, Peer]]> = [
  ['tacet → libsignal 0.103', () => [new TacetPeer('alice'), new Libsignal0103Peer('bob')]],
  ['libsignal 0.103 → tacet', () => [new Libsignal0103Peer('alice'), new TacetPeer('bob')]],
];

const te = new TextEncoder();
const td = new TextDecoder();

interface InFlight {
  from: Peer;
  to: Peer;
  wire: Wire;
  text: string;
  hold: number;
  lost: boolean;
}

class Conversation {
  readonly inFlight: InFlight[] = [];
  readonly delivered: InFlight[] = [];
  stats = {
    sent: 0,
    decrypted: 0,
    lost: 0,
    duplicates: 0,
    prekey: 0,
    prekeyOverSession: { alice: 0, bob: 0 },
  };

  constructor(
    readonly rng: () => number,
    readonly alice: Peer,
    readonly bob: Peer,
  ) {}

  async send(from: Peer, to: Peer, options: { hold?: number; lost?: boolean } = {}): Promise<void> {
    const text = `${from.name}#${this.stats.sent++} ${'x'.repeat(Math.floor(this.rng() * 40))}`;
    const wire = await from.encrypt(te.encode(text), to);
    if (wire.type === 3) this.stats.prekey++;
    const hold = options.hold ?? (this.rng() < 0.2 ? 1 + Math.floor(this.rng() * 2) : 0);
    this.inFlight.push({ from, to, wire, text, hold, lost: options.lost ?? this.rng() < 0.08 });
  }

  /** Delivers every ready message in a shuffled order (the reordering window is the burst). */
  async deliverReady(all = false): Promise<void> {
    const ready = this.inFlight.filter((m) => all || m.hold === 0);
    for (const m of this.inFlight) m.hold--;
    this.inFlight.splice(0, this.inFlight.length, ...this.inFlight.filter((m) => !ready.includes(m)));
    for (let i = ready.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng() * (i + 1));
      [ready[i], ready[j]] = [ready[j] as InFlight, ready[i] as InFlight];
    }
    for (const m of ready) await this.deliver(m);
  }

  async deliver(m: InFlight): Promise<void> {
    if (m.lost) {
      this.stats.lost++;
      return;
    }
    if (m.wire.type === 3 && this.delivered.some((d) => d.to === m.to)) {
      this.stats.prekeyOverSession[m.to === this.alice ? 'alice' : 'bob']++;
    }
    expect(td.decode(await m.to.decrypt(m.wire, m.from))).toBe(m.text);
    this.stats.decrypted++;
    this.delivered.push(m);
  }

  /**
   * Replays a recently delivered message: both implementations must call it a
   * duplicate. (A message whose receiving chain has since been dropped, after
   * MAX_RECEIVER_CHAINS newer ones, is merely undecryptable, in both.)
   */
  async replayOne(): Promise<void> {
    const recent = this.delivered.slice(-4);
    const m = recent[Math.floor(this.rng() * recent.length)];
    if (m === undefined) return;
    expect(await failureOf(m.to.decrypt(m.wire, m.from))).toBe('duplicate');
    this.stats.duplicates++;
  }
}

describe.each([...PAIRINGS, ...PAIRINGS_0103])('200-message conversation, %s', (_name, make) => {
  it.each([0x7ace7, 2026])(
    'bursts, reordering, loss, replays and session restarts (seed %i)',
    async (seed) => {
      const [alice, bob] = make();
      const c = new Conversation(seededRandom(seed), alice, bob);
      await alice.startSession(bob, await alice.bundle(true).then(() => bob.bundle(true)));
      // The first PreKey message must arrive for Bob to have a session at all.
      await c.send(alice, bob, { hold: 0, lost: false });
      await c.deliverReady();
      let restartedByAlice = false;
      let restartedByBob = false;
      while (c.stats.sent < 200) {
        if (!restartedByAlice && c.stats.sent >= 100) {
          restartedByAlice = true;
          await alice.startSession(bob, await bob.bundle(true));
          await c.send(alice, bob, { lost: false });
        }
        if (!restartedByBob && c.stats.sent >= 150) {
          restartedByBob = true;
          await bob.startSession(alice, await alice.bundle(false));
          await c.send(bob, alice, { lost: false });
        }
        const [from, to] = c.rng() < 0.5 ? [alice, bob] : [bob, alice];
        const burst = 1 + Math.floor(c.rng() * 6);
        for (let i = 0; i < burst && c.stats.sent < 200; i++) await c.send(from, to);
        await c.deliverReady();
        if (c.rng() < 0.3) await c.replayOne();
      }
      await c.deliverReady(true);
      for (let i = 0; i < 5; i++) await c.replayOne();
      expect(c.stats.sent).toBe(200);
      expect(c.stats.decrypted + c.stats.lost).toBe(200);
      expect(c.stats.lost).toBeGreaterThan(5);
      expect(c.stats.duplicates).toBeGreaterThan(10);
      // Both restarts made PreKey messages arrive while the receiver had a session.
      expect(c.stats.prekeyOverSession.bob).toBeGreaterThan(0);
      expect(c.stats.prekeyOverSession.alice).toBeGreaterThan(0);
    },
  );
});
