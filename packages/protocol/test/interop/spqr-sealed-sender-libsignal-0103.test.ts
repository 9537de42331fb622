/**
 * Sealed sender v1 around SPQR sessions with libsignal 0.103 (docs/protocol.md §8.3):
 * each side initiates (PreKey content, sealed type 1) and the other replies
 * (Whisper content, type 2), for a conversation long enough that the SPQR
 * braid completes an epoch inside sealed envelopes. The names are ServiceId
 * strings, with which 0.103 may add its address binding (SignalMessage
 * field 6); tacet skips that field.
 */
import * as L from 'libsignal-client-0103';
import { describe, expect, it } from 'vitest';
import { sealedSenderDecryptMessage, sealedSenderEncryptMessage } from '../../src/sealed-sender/index.js';
import { ProtocolAddress, processPreKeyBundle } from '../../src/session/index.js';
import { ab, bundle0103Of, Party0103, tacetBundleOf0103 } from '../support/libsignal-0103.js';
import {
  ALICE_UUID,
  BOB_UUID,
  DAY,
  libsignalDeviceCertificate,
  makeSenderCertificate,
  makeServer,
} from '../support/sealed-sender-fixtures.js';
import { createTacetParty } from '../support/tacet-party.js';

const text = (s: string) => new TextEncoder().encode(s);
const NOW = Date.now();
const tacetLocal = { uuid: ALICE_UUID, e164: null, deviceId: 1 };

function setup() {
  const server = makeServer();
  const trustRoot = server.trustRoot.publicKey;
  const libTrustRoot = L.PublicKey.deserialize(ab(trustRoot.serialize()));
  const tacet = createTacetParty(ALICE_UUID, 1);
  const lib = new Party0103(BOB_UUID, 1);
  const tacetCert = makeSenderCertificate(server, tacet.identity.publicKey, { expiration: NOW + DAY });
  const libCert = L.SenderCertificate.deserialize(
    ab(libsignalDeviceCertificate(server, lib.identity.publicKey, BOB_UUID, NOW + DAY)),
  );
  const libAddress = new ProtocolAddress(BOB_UUID, 1);
  const tacetAddressForLib = L.ProtocolAddress.new(ALICE_UUID, 1);
  const libOpen = (envelope: Uint8Array) =>
    L.sealedSenderDecryptMessage(
      ab(envelope),
      libTrustRoot,
      NOW,
      null,
      BOB_UUID,
      1,
      lib.sessions,
      lib.identities,
      lib.preKeys,
      lib.signedPreKeys,
      lib.kyberPreKeys,
    );
  const libSeal = (s: string) =>
    L.sealedSenderEncryptMessage(ab(text(s)), tacetAddressForLib, libCert, lib.sessions, lib.identities);
  const tacetSeal = (s: string) =>
    sealedSenderEncryptMessage(text(s), libAddress, tacetCert, tacet.stores, NOW);
  const tacetOpen = (envelope: Uint8Array) =>
    sealedSenderDecryptMessage(envelope, trustRoot, NOW, tacetLocal, tacet.stores);
  return { tacet, lib, libAddress, tacetAddressForLib, libOpen, libSeal, tacetSeal, tacetOpen };
}

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
