/**
 * Sender keys against libsignal-client 0.103.0, both directions (docs/protocol.md §6):
 * the distribution message is carried inside an SPQR 1:1 session, as a
 * client sends it, then 150 group messages arrive out of order with losses
 * and duplicates; a tampered signature is refused by both.
 */
import * as L from 'libsignal-client-0103';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import {
  groupDecrypt,
  groupEncrypt,
  InMemorySenderKeyStore,
  processSenderKeyDistributionMessage,
  SenderKeyDistributionMessage,
} from '../../src/group/index.js';
import { ProtocolAddress } from '../../src/session/index.js';
import { hostileSchedule } from '../support/delivery-schedule.js';
import { ab, address0103, Libsignal0103Peer } from '../support/libsignal-0103.js';
import { TacetPeer } from '../support/session-peers.js';

const DIST = '3f1d9c2e-5a7b-4c8d-9e0f-a1b2c3d4e5f6';
const text = (i: number) => new TextEncoder().encode(`group ${i} ${'y'.repeat(i % 33)}`);

async function code(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'accepted',
    (e: unknown) =>
      e instanceof ProtocolError ? e.code : e instanceof L.LibSignalErrorBase ? 'libsignal' : String(e),
  );
}

/** An SPQR session, lib first or tacet first, over which the SKDM travels. */
async function pair() {
  const lib = new Libsignal0103Peer('lib-member');
  const tacet = new TacetPeer('tacet-member');
  await tacet.startSession(lib, await lib.bundle(true));
  return { lib, tacet };
}

describe('sender keys with libsignal 0.103', () => {
  it('libsignal sends: SKDM over SPQR 1:1, 150 messages out of order, duplicates refused', async () => {
    const { lib, tacet } = await pair();
    const sender = lib.party.address;
    const libStore = lib.party.senderKeys;
    const skdm = await L.SenderKeyDistributionMessage.create(sender, DIST, libStore);
    // lib → tacet needs lib's session: tacet opens it first.
    await lib.decrypt(await tacet.encrypt(new Uint8Array([1]), lib), tacet);
    const carried = await lib.encrypt(skdm.serialize(), tacet);
    const skdmBytes = await tacet.decrypt(carried, lib);
    const tacetStore = new InMemorySenderKeyStore();
    const from = ProtocolAddress.new(lib.name, 1);
    await processSenderKeyDistributionMessage(
      from,
      SenderKeyDistributionMessage.deserialize(skdmBytes),
      tacetStore,
    );
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 150; i++)
      sent.push(new Uint8Array((await L.groupEncrypt(sender, DIST, libStore, ab(text(i)))).serialize()));
    let decrypted = 0;
    for (const { index, duplicate } of hostileSchedule(150, 11)) {
      const attempt = groupDecrypt(from, tacetStore, sent[index] as Uint8Array);
      if (duplicate) expect(await code(attempt)).toBe('DuplicatedMessage');
      else {
        expect(await attempt).toEqual(text(index));
        decrypted++;
      }
    }
    expect(decrypted).toBeGreaterThan(100);
    const forged = (sent[0] as Uint8Array).slice();
    forged[forged.length - 3] = (forged[forged.length - 3] as number) ^ 1;
    expect(await code(groupDecrypt(from, tacetStore, forged))).toBe('InvalidSignature');
  });

  it('tacet sends: SKDM over SPQR 1:1, 150 messages out of order, duplicates refused', async () => {
    const { lib, tacet } = await pair();
    const sender = ProtocolAddress.new(tacet.name, 1);
    const tacetStore = new InMemorySenderKeyStore();
    const skdm = await SenderKeyDistributionMessage.create(sender, DIST, tacetStore);
    const carried = await tacet.encrypt(skdm.serialize(), lib);
    const skdmBytes = await lib.decrypt(carried, tacet);
    const libSender = address0103(sender);
    await L.processSenderKeyDistributionMessage(
      libSender,
      L.SenderKeyDistributionMessage.deserialize(ab(skdmBytes)),
      lib.party.senderKeys,
    );
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 150; i++)
      sent.push((await groupEncrypt(sender, DIST, tacetStore, text(i))).serialize());
    let decrypted = 0;
    for (const { index, duplicate } of hostileSchedule(150, 12)) {
      const attempt = L.groupDecrypt(libSender, lib.party.senderKeys, ab(sent[index] as Uint8Array));
      if (duplicate) {
        const error = await attempt.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(L.LibSignalErrorBase);
        expect((error as L.LibSignalErrorBase).code).toBe(L.ErrorCode.DuplicatedMessage);
      } else {
        expect(new Uint8Array(await attempt)).toEqual(text(index));
        decrypted++;
      }
    }
    expect(decrypted).toBeGreaterThan(100);
    const forged = (sent[1] as Uint8Array).slice();
    forged[forged.length - 3] = (forged[forged.length - 3] as number) ^ 1;
    expect(await code(L.groupDecrypt(libSender, lib.party.senderKeys, ab(forged)))).toBe('libsignal');
  });
});
