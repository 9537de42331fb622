/**
 * Properties of the Double Ratchet under reordering and loss
 * (docs/protocol.md §4): for any schedule of bursts in either
 * direction, any delay (reordering) and any set of lost messages, every
 * delivered message decrypts to what was sent, exactly once; a replay is a
 * DuplicatedMessage; and a corrupted message changes nothing stored.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/index.js';
import { TacetPeer, type Wire } from '../support/session-peers.js';

const te = new TextEncoder();
const td = new TextDecoder();

interface Planned {
  fromAlice: boolean;
  /** Bursts this message waits before delivery (reordering). */
  delay: number;
  lost: boolean;
  /** Tie-breaker for delivery order inside one batch. */
  order: number;
}

const message = fc.record({
  delay: fc.integer({ min: 0, max: 3 }),
  lost: fc.integer({ min: 0, max: 9 }).map((x) => x < 2),
  order: fc.integer(),
});
const burst = fc.record({
  fromAlice: fc.boolean(),
  messages: fc.array(message, { minLength: 1, maxLength: 6 }),
});
const schedule = fc.array(burst, { minLength: 1, maxLength: 10 });

async function connectedPair() {
  const alice = new TacetPeer('alice');
  const bob = new TacetPeer('bob');
  await alice.startSession(bob, await bob.bundle(false));
  await bob.decrypt(await alice.encrypt(te.encode('open'), bob), alice);
  await alice.decrypt(await bob.encrypt(te.encode('ack'), alice), bob);
  return { alice, bob };
}

async function expectDuplicate(p: Promise<unknown>): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ProtocolError);
  expect((e as ProtocolError).code).toBe('DuplicatedMessage');
}

describe('Double Ratchet properties (tacet ↔ tacet)', () => {
  it('reordered and lost messages: every delivered one decrypts once, replays are duplicates', async () => {
    await fc.assert(
      fc.asyncProperty(schedule, async (bursts) => {
        const { alice, bob } = await connectedPair();
        const inFlight: Array<Planned & { wire: Wire; text: string; due: number }> = [];
        let n = 0;
        for (let b = 0; b <= bursts.length + 3; b++) {
          const current = bursts[b];
          for (const m of current?.messages ?? []) {
            const [from, to] = current?.fromAlice ? [alice, bob] : [bob, alice];
            const text = `${b}/${n++}`;
            const wire = await from.encrypt(te.encode(text), to);
            inFlight.push({ ...m, fromAlice: current?.fromAlice ?? true, wire, text, due: b + m.delay });
          }
          const ready = inFlight.filter((m) => m.due <= b).sort((x, y) => x.order - y.order);
          for (const m of ready) {
            inFlight.splice(inFlight.indexOf(m), 1);
            if (m.lost) continue;
            const [from, to] = m.fromAlice ? [alice, bob] : [bob, alice];
            expect(td.decode(await to.decrypt(m.wire, from))).toBe(m.text);
            await expectDuplicate(to.decrypt(m.wire, from));
          }
        }
        expect(inFlight).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('a corrupted message never changes the stored record', async () => {
    const { alice, bob } = await connectedPair();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 4 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (skip, position, xor) => {
          for (let i = 0; i < skip; i++) await alice.encrypt(te.encode('lost'), bob);
          const wire = await alice.encrypt(te.encode('target'), bob);
          const bytes = wire.bytes.slice();
          const at = position % bytes.length;
          bytes[at] = (bytes[at] as number) ^ xor;
          const before = bob.party.stores.sessions.records.get('alice.1')?.serialize();
          await expect(bob.decrypt({ type: 2, bytes }, alice)).rejects.toBeInstanceOf(ProtocolError);
          expect(bob.party.stores.sessions.records.get('alice.1')?.serialize()).toEqual(before);
          expect(td.decode(await bob.decrypt(wire, alice))).toBe('target');
        },
      ),
      { numRuns: 100 },
    );
  });
});
