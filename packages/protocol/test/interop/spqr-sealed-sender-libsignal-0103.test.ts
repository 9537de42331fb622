/**
 * Sealed sender v1 around SPQR sessions with libsignal 0.103 (docs/protocol.md §8.3):
 * each side initiates (PreKey content, sealed type 1) and the other replies
 * (Whisper content, type 2), for a conversation long enough that the SPQR
 * braid completes an epoch inside sealed envelopes. The names are ServiceId
 * strings, with which 0.103 may add its address binding (SignalMessage
 * field 6); tacet skips that field.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolAddress, processPreKeyBundle } from '../../src/session/index.js';
import { bundle0103Of, tacetBundleOf0103 } from '../support/libsignal-0103.js';
import { sealedPair0103 } from '../support/sealed-pair-0103.js';
import { ALICE_UUID, BOB_UUID } from '../support/sealed-sender-fixtures.js';

const NOW = Date.now();
const setup = () => sealedPair0103(NOW);

/** Alternating sealed messages: 120 of them move a full SPQR epoch. */
async function converse(x: ReturnType<typeof setup>, tacetFirst: boolean): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if ((i % 2 === 0) === tacetFirst) {
      const opened = await x.libOpen(await x.tacetSeal(`t${i}`));
      expect(new TextDecoder().decode(opened.message())).toBe(`t${i}`);
      expect(opened.senderUuid()).toBe(ALICE_UUID);
    } else {
      const result = await x.tacetOpen(await x.libSeal(`l${i}`));
      expect(new TextDecoder().decode(result.message)).toBe(`l${i}`);
      expect(result.senderUuid).toBe(BOB_UUID);
    }
  }
}

describe('sealed 1:1 SPQR messages with libsignal 0.103', () => {
  it('tacet initiates sealed, libsignal 0.103 decrypts and replies sealed', async () => {
    const x = setup();
    await processPreKeyBundle(tacetBundleOf0103(await x.lib.bundle()), x.libAddress, x.tacet.stores, NOW);
    await converse(x, true);
    expect(
      x.tacet.stores.sessions.records.get(`${x.libAddress}`)?.current?.pqRatchet?.chain.currentEpoch,
    ).toBeGreaterThan(0);
  });

  it('libsignal 0.103 initiates sealed, tacet decrypts the PreKey content and replies sealed', async () => {
    const x = setup();
    await x.lib.startSession(bundle0103Of(await x.tacet.bundle()), x.tacetAddressForLib);
    await converse(x, false);
    const record = x.tacet.stores.sessions.records.get(`${new ProtocolAddress(BOB_UUID, 1)}`);
    expect(record?.current?.pqRatchet?.chain.currentEpoch).toBeGreaterThan(0);
  });
});
