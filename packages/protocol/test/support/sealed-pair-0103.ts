/**
 * A tacet device (Alice) and a libsignal 0.103 device (Bob) with sender
 * certificates from one test server, and the calls each makes to seal a 1:1
 * message for the other and to open what it receives, for the sealed-sender
 * interop suites against 0.103.
 */
import * as L from 'libsignal-client-0103';
import { sealedSenderDecryptMessage, sealedSenderEncryptMessage } from '../../src/sealed-sender/index.js';
import { ProtocolAddress } from '../../src/session/index.js';
import { ab, Party0103, senderCertificate0103 } from './libsignal-0103.js';
import { ALICE_UUID, BOB_UUID, DAY, makeSenderCertificate, makeServer } from './sealed-sender-fixtures.js';
import { createTacetParty } from './tacet-party.js';

const text = (s: string) => new TextEncoder().encode(s);

/** Alice on tacet and Bob on 0.103, with no session yet; `now` is the time of every check. */
export function sealedPair0103(now = Date.now()) {
  const server = makeServer();
  const trustRoot = server.trustRoot.publicKey;
  const libTrustRoot = L.PublicKey.deserialize(ab(trustRoot.serialize()));
  const tacet = createTacetParty(ALICE_UUID, 1);
  const lib = new Party0103(BOB_UUID, 1);
  const tacetCert = makeSenderCertificate(server, tacet.identity.publicKey, { expiration: now + DAY });
  const libCert = senderCertificate0103(server, lib, now + DAY);
  const libAddress = new ProtocolAddress(BOB_UUID, 1);
  const tacetAddressForLib = L.ProtocolAddress.new(ALICE_UUID, 1);
  const tacetLocal = { uuid: ALICE_UUID, e164: null, deviceId: 1 };
  /** Bob opens a sealed message (v1, or his copy of a v2 one) with his stores. */
  const libOpen = (envelope: Uint8Array) =>
    L.sealedSenderDecryptMessage(
      ab(envelope),
      libTrustRoot,
      now,
      null,
      BOB_UUID,
      1,
      lib.sessions,
      lib.identities,
      lib.preKeys,
      lib.signedPreKeys,
      lib.kyberPreKeys,
    );
  /** Alice opens a sealed message (v1, or her copy of a v2 one) with her stores. */
  const tacetOpen = (envelope: Uint8Array) =>
    sealedSenderDecryptMessage(envelope, trustRoot, now, tacetLocal, tacet.stores);
  const libSeal = (s: string) =>
    L.sealedSenderEncryptMessage(ab(text(s)), tacetAddressForLib, libCert, lib.sessions, lib.identities);
  const tacetSeal = (s: string) =>
    sealedSenderEncryptMessage(text(s), libAddress, tacetCert, tacet.stores, now);
  return {
    tacet,
    lib,
    libAddress,
    tacetAddressForLib,
    tacetCert,
    libCert,
    libOpen,
    tacetOpen,
    libSeal,
    tacetSeal,
  };
}
