/**
 * libsignal's address binding (SignalMessage field 6, written under the MAC
 * of PreKey messages when both names are service ids) against libsignal
 * 0.103: each side writes it, each side checks the other's, and a message
 * bound to other addresses is refused by both, leaving nothing stored.
 */
import { describe, expect, it } from 'vitest';
import { PreKeySignalMessage, ProtocolAddress, ProtocolError, SignalMessage } from '../../src/index.js';
import { addressBinding } from '../../src/session/address-binding.js';
import { Libsignal0103Peer } from '../support/libsignal-0103.js';
import { failureOf, TacetPeer, type Wire } from '../support/session-peers.js';

const TACET_ACI = '1d6f2c8e-4b3a-4e5f-9a7b-0c1d2e3f4a5b';
const LIB_PNI = 'PNI:7e8f9a0b-1c2d-4e3f-8a9b-c0d1e2f3a4b5';
const te = new TextEncoder();
const td = new TextDecoder();

function fieldSix(wire: Wire): Uint8Array | undefined {
  const signal =
    wire.type === 3
      ? PreKeySignalMessage.deserialize(wire.bytes).message
      : SignalMessage.deserialize(wire.bytes);
  return signal.addresses;
}

function peers() {
  const tacet = new TacetPeer(TACET_ACI);
  tacet.party.stores.localAddress = tacet.address;
  return { tacet, lib: new Libsignal0103Peer(LIB_PNI) };
}

describe('address binding (field 6) with libsignal 0.103', () => {
  it('libsignal binds its PreKey messages and tacet checks the binding', async () => {
    const { tacet, lib } = peers();
    await lib.startSession(tacet, await tacet.bundle(true));
    const first = await lib.encrypt(te.encode('hello'), tacet);
    expect(first.type).toBe(3);
    expect(fieldSix(first)).toEqual(addressBinding(lib.address, tacet.address));
    expect(td.decode(await tacet.decrypt(first, lib))).toBe('hello');
    const reply = await tacet.encrypt(te.encode('ack'), lib);
    expect(fieldSix(reply)).toBeUndefined();
    expect(td.decode(await lib.decrypt(reply, tacet))).toBe('ack');
  });

  it('tacet binds its PreKey messages and libsignal accepts them', async () => {
    const { tacet, lib } = peers();
    await tacet.startSession(lib, await lib.bundle(true));
    for (let i = 0; i < 3; i++) {
      const m = await tacet.encrypt(te.encode(`t${i}`), lib);
      expect(m.type).toBe(3);
      expect(fieldSix(m)).toEqual(addressBinding(tacet.address, lib.address));
      expect(td.decode(await lib.decrypt(m, tacet))).toBe(`t${i}`);
    }
    await tacet.decrypt(await lib.encrypt(te.encode('ack'), tacet), lib);
    expect(fieldSix(await tacet.encrypt(te.encode('after'), lib))).toBeUndefined();
  });

  it('tacet refuses a PreKey message bound to another of its devices, storing nothing', async () => {
    const { tacet, lib } = peers();
    await lib.startSession(tacet, await tacet.bundle(true));
    const first = await lib.encrypt(te.encode('for device 1'), tacet);
    tacet.party.stores.localAddress = ProtocolAddress.new(TACET_ACI, 2);
    const error = await tacet.decrypt(first, lib).catch((e) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe('InvalidMessage');
    expect(tacet.party.stores.sessions.records.size).toBe(0);
    // The binding alone made the difference.
    tacet.party.stores.localAddress = tacet.address;
    expect(td.decode(await tacet.decrypt(first, lib))).toBe('for device 1');
  });

  it('libsignal refuses a tacet PreKey message bound to other addresses', async () => {
    const { tacet, lib } = peers();
    tacet.party.stores.localAddress = ProtocolAddress.new('5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d', 1);
    await tacet.startSession(lib, await lib.bundle(true));
    expect(await failureOf(lib.decrypt(await tacet.encrypt(te.encode('misbound'), lib), tacet))).toBe(
      'invalid',
    );
  });
});
