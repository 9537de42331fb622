/**
 * No downgrade: tacet runs SPQR on every new session and refuses a peer that
 * does not (a pre-SPQR libsignal, or tacet's classic interop mode) with the
 * typed ProtocolError 'PqRatchetRequired', storing nothing and consuming no
 * prekey; libsignal 0.103 likewise refuses a classic sender.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolError, SignalMessage } from '../../src/index.js';
import { Libsignal0103Peer } from '../support/libsignal-0103.js';
import { failureOf, LibsignalPeer, TacetPeer } from '../support/session-peers.js';

const te = new TextEncoder();

describe('a peer without SPQR is refused', () => {
  it.each([
    ['libsignal 0.72.1', () => new LibsignalPeer('alice')],
    ['tacet in classic mode', () => new TacetPeer('alice', undefined, { classic: true })],
  ])('tacet refuses a PreKey message from %s with PqRatchetRequired', async (_name, makeAlice) => {
    const alice = makeAlice();
    const bob = new TacetPeer('bob');
    await alice.startSession(bob, await bob.bundle(true));
    const first = await alice.encrypt(te.encode('classic hello'), bob);
    expect(first.type).toBe(3);
    const error = await bob.decrypt(first, alice).catch((e) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe('PqRatchetRequired');
    expect(bob.party.stores.sessions.records.size).toBe(0);
    expect(bob.party.stores.preKeys.records.size).toBe(1);
  });

  it('libsignal 0.103 refuses a classic sender too', async () => {
    const alice = new TacetPeer('alice', undefined, { classic: true });
    const bob = new Libsignal0103Peer('bob');
    await alice.startSession(bob, await bob.bundle(true));
    expect(await failureOf(bob.decrypt(await alice.encrypt(te.encode('classic'), bob), alice))).toBe(
      'invalid',
    );
  });

  it('an SPQR message without field 5 is refused on an established session', async () => {
    const alice = new Libsignal0103Peer('alice');
    const bob = new TacetPeer('bob');
    await alice.startSession(bob, await bob.bundle(true));
    await bob.decrypt(await alice.encrypt(te.encode('hi'), bob), alice);
    const reply = await bob.encrypt(te.encode('ack'), alice);
    await alice.decrypt(reply, bob);
    const before = bob.party.stores.sessions.records.get(`${alice.address}`)?.serialize();
    // libsignal's message with its SPQR payload cut out, as a downgrading network would send it.
    const wire = await alice.encrypt(te.encode('strip me'), bob);
    expect(SignalMessage.deserialize(wire.bytes).pqRatchet.length).toBeGreaterThan(0);
    const stripped = stripField5(wire.bytes);
    const error = await bob.decrypt({ type: 2, bytes: stripped }, alice).catch((e) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe('PqRatchetRequired');
    expect(bob.party.stores.sessions.records.get(`${alice.address}`)?.serialize()).toEqual(before);
  });
});

/** The message with its protobuf field 5 removed (the MAC no longer matters: field 5 is checked first). */
function stripField5(bytes: Uint8Array): Uint8Array {
  const body = bytes.subarray(1, bytes.length - 8);
  const out: number[] = [bytes[0] as number];
  let i = 0;
  while (i < body.length) {
    const start = i;
    const key = body[i++] as number;
    const wireType = key & 7;
    if (wireType === 0) {
      while ((body[i++] as number) & 0x80);
    } else {
      let len = 0;
      let shift = 0;
      let b: number;
      do {
        b = body[i++] as number;
        len |= (b & 0x7f) << shift;
        shift += 7;
      } while (b & 0x80);
      i += len;
    }
    if (key >> 3 !== 5) out.push(...body.subarray(start, i));
  }
  out.push(...bytes.subarray(bytes.length - 8));
  return Uint8Array.from(out);
}
