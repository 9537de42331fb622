/**
 * SessionRecord storage (tacet's own schema): a record survives
 * serialize/deserialize mid-conversation with skipped keys, a pending PreKey
 * phase and archived states, and strict decoding refuses anything else.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolError, SessionRecord } from '../../src/index.js';
import { ProtobufWriter } from '../../src/wire/protobuf.js';
import { TacetPeer } from '../support/session-peers.js';

const te = new TextEncoder();
const td = new TextDecoder();

/** Replaces every record in `peer`'s session store by a deserialized copy of its bytes. */
function reload(peer: TacetPeer): void {
  const records = peer.party.stores.sessions.records;
  for (const [key, record] of records) records.set(key, SessionRecord.deserialize(record.serialize()));
}

function invalid(bytes: Uint8Array): string {
  try {
    SessionRecord.deserialize(bytes);
    return 'accepted';
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    return (e as ProtocolError).code;
  }
}

describe('SessionRecord serialization', () => {
  it('a conversation continues across reloads, with held messages and archived states', async () => {
    const alice = new TacetPeer('alice');
    const bob = new TacetPeer('bob');
    await alice.startSession(bob, await bob.bundle(true));
    const firstTwo = [await alice.encrypt(te.encode('p1'), bob), await alice.encrypt(te.encode('p2'), bob)];
    reload(alice);
    const third = await alice.encrypt(te.encode('p3'), bob);
    expect(third.type).toBe(3);
    expect(td.decode(await bob.decrypt(third, alice))).toBe('p3');
    reload(bob);
    expect(td.decode(await bob.decrypt(firstTwo[1] as never, alice))).toBe('p2');
    const held = await bob.encrypt(te.encode('held'), alice);
    const delivered = await bob.encrypt(te.encode('delivered'), alice);
    expect(td.decode(await alice.decrypt(delivered, bob))).toBe('delivered');
    // A restart archives the first session; its skipped key must survive a reload too.
    await alice.startSession(bob, await bob.bundle(false));
    reload(alice);
    reload(bob);
    const record = alice.party.stores.sessions.records.get('bob.1') as SessionRecord;
    expect(record.archived.length).toBe(1);
    expect(record.archived[0]?.receiverChains.at(-1)?.skipped.size).toBe(1);
    expect(td.decode(await alice.decrypt(held, bob))).toBe('held');
    expect(td.decode(await bob.decrypt(firstTwo[0] as never, alice))).toBe('p1');
    const again = SessionRecord.deserialize(record.serialize());
    expect(again.serialize()).toEqual(record.serialize());
  });

  it('an empty record round-trips', () => {
    const bytes = new SessionRecord().serialize();
    const again = SessionRecord.deserialize(bytes);
    expect(again.hasCurrentState()).toBe(false);
    expect(again.archived).toEqual([]);
  });
});

describe('SessionRecord strict decoding', () => {
  async function sample(): Promise<Uint8Array> {
    const alice = new TacetPeer('alice');
    const bob = new TacetPeer('bob');
    await alice.startSession(bob, await bob.bundle(true));
    return (alice.party.stores.sessions.records.get('bob.1') as SessionRecord).serialize();
  }

  it('refuses unknown fields, another schema, truncation and trailing garbage', async () => {
    const bytes = await sample();
    const withUnknown = new Uint8Array([...bytes, ...new ProtobufWriter().uint32(9, 1).finish()]);
    expect(invalid(withUnknown)).toBe('InvalidMessage');
    const otherSchema = new Uint8Array(bytes);
    otherSchema[1] = 3;
    expect(invalid(otherSchema)).toBe('InvalidMessage');
    // A schema-1 (pre-SPQR) record never carries an SPQR state.
    const classicWithPq = new Uint8Array(bytes);
    classicWithPq[1] = 1;
    expect(invalid(classicWithPq)).toBe('InvalidMessage');
    for (const cut of [1, 3, 10, bytes.length - 1])
      expect(invalid(bytes.subarray(0, cut))).toBe('InvalidMessage');
    expect(invalid(new Uint8Array([...bytes, 0x00]))).toBe('InvalidMessage');
    expect(invalid(new Uint8Array(0))).toBe('InvalidMessage');
  });

  it('refuses more archived states than the limit', async () => {
    const state = SessionRecord.deserialize(await sample()).current;
    if (state === undefined) throw new Error('no state');
    // A record with one archived state is `08 02` followed by one field-3 entry; repeat the entry.
    const entry = new SessionRecord(undefined, [state]).serialize().subarray(2);
    const withArchived = (n: number) =>
      new Uint8Array([0x08, 0x02, ...Array.from({ length: n }, () => [...entry]).flat()]);
    expect(SessionRecord.deserialize(withArchived(40)).archived.length).toBe(40);
    expect(invalid(withArchived(41))).toBe('InvalidMessage');
  });
});
