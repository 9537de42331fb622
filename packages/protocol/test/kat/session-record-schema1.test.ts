/**
 * The path for sessions stored before SPQR: records written by the previous
 * code (record schema 1, fixture captured from it) still open, their states
 * still decrypt what was in flight, they refuse to send with the typed
 * 'PqRatchetRequired', and a fresh bundle replaces them with an SPQR session.
 * Re-saving such a record writes schema 2 and keeps the classic state as it was.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ProtocolAddress,
  ProtocolError,
  SessionRecord,
  signalDecrypt,
  signalDecryptPreKey,
  signalEncrypt,
} from '../../src/index.js';
import { TacetPeer } from '../support/session-peers.js';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/session-record-schema1.json', import.meta.url), 'utf8'),
) as {
  bobRecord: string;
  aliceRecord: string;
  heldMessage: { type: number; bytes: string; plaintext: string };
  nextMessage: { type: number; bytes: string; plaintext: string };
};
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const td = new TextDecoder();
const alice = ProtocolAddress.new('alice', 1);

describe('session records stored before SPQR (schema 1)', () => {
  it('open as classic states, decrypt what was in flight, and refuse to send', async () => {
    const record = SessionRecord.deserialize(hex(fixture.bobRecord));
    expect(record.current?.pqRatchet).toBeUndefined();
    expect(record.archived.length).toBe(1);
    const bob = new TacetPeer('bob');
    bob.party.stores.sessions.records.set(`${alice}`, record);
    const decrypt = (m: { type: number; bytes: string }) =>
      m.type === 3
        ? signalDecryptPreKey(hex(m.bytes), alice, bob.party.stores)
        : signalDecrypt(hex(m.bytes), alice, bob.party.stores);
    expect(td.decode(await decrypt(fixture.heldMessage))).toBe(fixture.heldMessage.plaintext);
    expect(td.decode(await decrypt(fixture.nextMessage))).toBe(fixture.nextMessage.plaintext);
    await expect(signalEncrypt(new Uint8Array(1), alice, bob.party.stores)).rejects.toMatchObject({
      code: 'PqRatchetRequired',
    });
  });

  it('re-saving writes schema 2 with the classic state unchanged', () => {
    const record = SessionRecord.deserialize(hex(fixture.aliceRecord));
    const resaved = record.serialize();
    expect(resaved[1]).toBe(2);
    const again = SessionRecord.deserialize(resaved);
    expect(again.current?.pqRatchet).toBeUndefined();
    expect(again.serialize()).toEqual(resaved);
  });

  it('a fresh bundle replaces the stored session with an SPQR one', async () => {
    const bob = new TacetPeer('bob');
    const carol = new TacetPeer('carol');
    const record = SessionRecord.deserialize(hex(fixture.aliceRecord));
    // The stored record (Alice's, to Bob) is reused here as Carol's record for Bob.
    carol.party.stores.sessions.records.set(`${bob.address}`, record);
    const error = await signalEncrypt(new Uint8Array(1), bob.address, carol.party.stores).catch((e) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe('PqRatchetRequired');
    await carol.startSession(bob, await bob.bundle(true));
    const fresh = carol.party.stores.sessions.records.get(`${bob.address}`);
    expect(fresh?.current?.pqRatchet).toBeDefined();
    expect(fresh?.archived.length).toBeGreaterThan(0);
    const m = await carol.encrypt(new TextEncoder().encode('post-quantum now'), bob);
    expect(td.decode(await bob.decrypt(m, carol))).toBe('post-quantum now');
  });
});
