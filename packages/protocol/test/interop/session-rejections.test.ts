/**
 * tacet rejects what libsignal 0.72.1 rejects (docs/protocol.md
 * §3–§5): every single-bit flip of a SignalMessage and of a PreKey message,
 * bad bundle signatures, unknown versions and replays; and a rejected message
 * leaves the stored session untouched. Each tampered message goes to a tacet
 * and a libsignal receiver holding equivalent sessions, and the two verdicts
 * must agree.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PreKeySignalMessage, ProtocolError, processPreKeyBundle } from '../../src/index.js';
import {
  failureKind,
  failureOf,
  LibsignalPeer,
  type Peer,
  TacetPeer,
  type Wire,
} from '../support/session-peers.js';

const te = new TextEncoder();

/** One libsignal sender with a session to a tacet and to a libsignal receiver. */
async function setup(prekeyPhase: boolean) {
  const sender = new LibsignalPeer('sender');
  // libsignal 0.72.1 predates SPQR: the tacet receiver runs the classic ratchet.
  const receivers: Peer[] = [
    new TacetPeer('tacet-receiver', undefined, { classic: true }),
    new LibsignalPeer('libsignal-receiver'),
  ];
  for (const r of receivers) {
    await sender.startSession(r, await r.bundle(true));
    if (!prekeyPhase) {
      await r.decrypt(await sender.encrypt(te.encode('hello'), r), sender);
      await sender.decrypt(await r.encrypt(te.encode('ack'), sender), r);
    }
  }
  return { sender, receivers };
}

function flipped(wire: Wire, bit: number): Wire {
  const bytes = wire.bytes.slice();
  bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
  return { type: wire.type, bytes };
}

function onlyUnauthenticatedChange(original: Wire, changed: Wire): boolean {
  let a: PreKeySignalMessage;
  let b: PreKeySignalMessage;
  try {
    a = PreKeySignalMessage.deserialize(original.bytes);
    b = PreKeySignalMessage.deserialize(changed.bytes);
  } catch {
    return false;
  }
  const same = (x: Uint8Array, y: Uint8Array) => x.length === y.length && x.every((v, i) => v === y[i]);
  return (
    a.messageVersion === b.messageVersion &&
    a.preKeyId === b.preKeyId &&
    a.signedPreKeyId === b.signedPreKeyId &&
    a.kyberPreKeyId === b.kyberPreKeyId &&
    same(maskTopBit(a.baseKey), maskTopBit(b.baseKey)) &&
    same(a.identityKey, b.identityKey) &&
    same(a.kyberCiphertext, b.kyberCiphertext) &&
    same(a.message.serialize(), b.message.serialize())
  );
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('not found');
}

function maskTopBit(key: Uint8Array): Uint8Array {
  const out = key.slice();
  out[32] = (out[32] as number) & 0x7f;
  return out;
}

async function verdict(receiver: Peer, from: Peer, wire: Wire): Promise<string> {
  try {
    await receiver.decrypt(wire, from);
    return 'accepted';
  } catch (e) {
    return failureKind(e);
  }
}

describe('single-bit flips', () => {
  it('every bit of a SignalMessage: both reject, with the same verdict, and nothing is stored', async () => {
    const { sender, receivers } = await setup(false);
    const [tacet, libsignal] = receivers as [TacetPeer, LibsignalPeer];
    const toTacet = await sender.encrypt(te.encode('tamper me'), tacet);
    const toLibsignal = await sender.encrypt(te.encode('tamper me'), libsignal);
    expect(toTacet.type).toBe(2);
    const before = tacet.party.stores.sessions.records.get('sender.1')?.serialize();
    for (let bit = 0; bit < toTacet.bytes.length * 8; bit++) {
      const t = await verdict(tacet, sender, flipped(toTacet, bit));
      const l = await verdict(libsignal, sender, flipped(toLibsignal, bit));
      expect({ bit, t }).toEqual({ bit, t: l });
      expect(t).not.toBe('accepted');
    }
    expect(tacet.party.stores.sessions.records.get('sender.1')?.serialize()).toEqual(before);
    expect(new TextDecoder().decode(await tacet.decrypt(toTacet, sender))).toBe('tamper me');
  });

  it('bits of a PreKey message: both reject, nothing is stored and no prekey is consumed', async () => {
    const { sender, receivers } = await setup(true);
    const [tacet, libsignal] = receivers as [TacetPeer, LibsignalPeer];
    const toTacet = await sender.encrypt(te.encode('first'), tacet);
    const toLibsignal = await sender.encrypt(te.encode('first'), libsignal);
    expect(toTacet.type).toBe(3);
    // Every bit of the header fields; a sample inside the embedded SignalMessage (the test
    // above flips all of its bits) and inside the KEM ciphertext (the last 1569 bytes).
    const kemStart = toTacet.bytes.length - 1569;
    const inner = PreKeySignalMessage.deserialize(toTacet.bytes).message.serialize();
    const innerStart = indexOf(toTacet.bytes, inner);
    const sample = (from: number, length: number) => from * 8 + Math.floor(Math.random() * length * 8);
    const bits: number[] = [];
    for (let bit = 0; bit < kemStart * 8; bit++) {
      if (bit < innerStart * 8 || bit >= (innerStart + inner.length) * 8) bits.push(bit);
    }
    for (let i = 0; i < 24; i++) bits.push(sample(innerStart, inner.length), sample(kemStart, 1569));
    let unauthenticated = 0;
    const baseKey = PreKeySignalMessage.deserialize(toTacet.bytes).baseKey;
    const baseKeyTopBit = (indexOf(toTacet.bytes, baseKey) + 32) * 8 + 7;
    for (const bit of bits) {
      // Bit 255 of the base key: libsignal accepts it (X25519 ignores it, a replay looks new);
      // tacet refuses the non-canonical key (issue 9 item 5).
      if (bit === baseKeyTopBit) {
        expect(await verdict(tacet, sender, flipped(toTacet, bit))).toBe('invalid');
        continue;
      }
      // The registration id and the version's low nibble are neither authenticated nor used (§5.7),
      // and X25519 ignores bit 255 of the base key (§1).
      if (onlyUnauthenticatedChange(toTacet, flipped(toTacet, bit))) {
        unauthenticated++;
        continue;
      }
      const t = await verdict(tacet, sender, flipped(toTacet, bit));
      const l = await verdict(libsignal, sender, flipped(toLibsignal, bit));
      expect({ bit, t }).toEqual({ bit, t: l });
      expect(t).not.toBe('accepted');
    }
    expect(unauthenticated).toBeLessThanOrEqual(4 + 16 + 1);
    expect(tacet.party.stores.sessions.records.size).toBe(0);
    expect(tacet.party.stores.preKeys.records.size).toBe(1);
    expect(tacet.party.stores.kyberPreKeys.used).toEqual([]);
    expect(new TextDecoder().decode(await tacet.decrypt(toTacet, sender))).toBe('first');
    expect(tacet.party.stores.preKeys.records.size).toBe(0);
  }, 120_000);
});

describe('versions and replays', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    ctx = await setup(false);
  });

  it.each([0x04, 0x24, 0x34, 0x54, 0xf4, 0x33])('version byte %i is rejected by both', async (byte) => {
    for (const r of ctx.receivers) {
      const wire = await ctx.sender.encrypt(te.encode('v'), r);
      const bytes = wire.bytes.slice();
      bytes[0] = byte;
      expect(await failureOf(r.decrypt({ type: wire.type, bytes }, ctx.sender))).toBe('invalid');
    }
    const tacet = ctx.receivers[0] as Peer;
    const wire = await ctx.sender.encrypt(te.encode('v'), tacet);
    const bytes = wire.bytes.slice();
    bytes[0] = byte;
    const error = await tacet.decrypt({ type: 2, bytes }, ctx.sender).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe(byte >> 4 < 3 ? 'LegacyMessage' : 'UnsupportedVersion');
  });

  it('a replayed message is a duplicate in both', async () => {
    for (const r of ctx.receivers) {
      const wire = await ctx.sender.encrypt(te.encode('once'), r);
      await r.decrypt(wire, ctx.sender);
      expect(await failureOf(r.decrypt(wire, ctx.sender))).toBe('duplicate');
    }
  });
});

describe('a re-encoded base key (issue 9 item 5)', () => {
  /** The PreKey message with bit 255 of its base key set: X25519 reads the same key. */
  function topBitFlipped(wire: Wire): Wire {
    const at = indexOf(wire.bytes, PreKeySignalMessage.deserialize(wire.bytes).baseKey) + 32;
    const bytes = wire.bytes.slice();
    bytes[at] = (bytes[at] as number) | 0x80;
    return { type: wire.type, bytes };
  }

  it('without a one-time prekey, the copy is refused by tacet, not accepted as a second session', async () => {
    const sender = new LibsignalPeer('sender');
    // libsignal 0.72.1 predates SPQR: the tacet receiver runs the classic ratchet.
    const tacet = new TacetPeer('tacet-receiver', undefined, { classic: true });
    const libsignal = new LibsignalPeer('libsignal-receiver');
    for (const r of [tacet, libsignal]) await sender.startSession(r, await r.bundle(false));
    const toTacet = await sender.encrypt(te.encode('first'), tacet);
    const toLibsignal = await sender.encrypt(te.encode('first'), libsignal);
    expect(PreKeySignalMessage.deserialize(toTacet.bytes).preKeyId).toBeUndefined();
    expect(new TextDecoder().decode(await tacet.decrypt(toTacet, sender))).toBe('first');
    await libsignal.decrypt(toLibsignal, sender);
    const before = tacet.party.stores.sessions.records.get('sender.1')?.serialize();

    // The attack: libsignal takes the copy for a new session and delivers "first" again.
    expect(new TextDecoder().decode(await libsignal.decrypt(topBitFlipped(toLibsignal), sender))).toBe(
      'first',
    );
    const refused = await tacet.decrypt(topBitFlipped(toTacet), sender).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProtocolError);
    expect((refused as ProtocolError).code).toBe('InvalidKey');
    expect(tacet.party.stores.sessions.records.get('sender.1')?.serialize()).toEqual(before);
    // The unchanged copy is what it always was: a duplicate.
    expect(await failureOf(tacet.decrypt(toTacet, sender))).toBe('duplicate');
  });

  it('the same between two tacet devices (SPQR sessions)', async () => {
    const sender = new TacetPeer('sender');
    const tacet = new TacetPeer('tacet-receiver');
    await sender.startSession(tacet, await tacet.bundle(false));
    const first = await sender.encrypt(te.encode('first'), tacet);
    expect(PreKeySignalMessage.deserialize(first.bytes).preKeyId).toBeUndefined();
    await tacet.decrypt(first, sender);
    const before = tacet.party.stores.sessions.records.get('sender.1')?.serialize();
    const refused = await tacet.decrypt(topBitFlipped(first), sender).catch((e: unknown) => e);
    expect((refused as ProtocolError).code).toBe('InvalidKey');
    expect(tacet.party.stores.sessions.records.get('sender.1')?.serialize()).toEqual(before);
    expect(await failureOf(tacet.decrypt(first, sender))).toBe('duplicate');
  });
});

describe('bundles', () => {
  async function badBundle(field: 'signedPreKey' | 'kyberPreKey') {
    const bob = new LibsignalPeer('bob');
    const bundle = await bob.bundle(true);
    const signature = bundle[field].signature.slice();
    signature[5] = (signature[5] as number) ^ 0x10;
    return { bob, bundle: { ...bundle, [field]: { ...bundle[field], signature } } };
  }

  it.each(['signedPreKey', 'kyberPreKey'] as const)(
    'a bad %s signature is refused by both',
    async (field) => {
      const { bob, bundle } = await badBundle(field);
      for (const alice of [
        new TacetPeer('alice', undefined, { classic: true }),
        new LibsignalPeer('alice'),
      ]) {
        expect(await failureOf(alice.startSession(bob, bundle))).toBe('invalid');
      }
      const alice = new TacetPeer('alice');
      await expect(alice.startSession(bob, bundle)).rejects.toMatchObject({ code: 'InvalidSignature' });
      expect(alice.party.stores.sessions.records.size).toBe(0);
      expect(alice.party.stores.identities.known.size).toBe(0);
    },
  );

  it('a bundle without a Kyber prekey is refused, never turned into X3DH', async () => {
    const bob = new TacetPeer('bob');
    const alice = new TacetPeer('alice');
    const { kyberPreKey: _dropped, ...classic } = await bob.bundle(true);
    await expect(
      processPreKeyBundle(classic as never, bob.address, alice.party.stores, Date.now()),
    ).rejects.toMatchObject({ code: 'InvalidKey' });
    expect(alice.party.stores.sessions.records.size).toBe(0);
  });
});
