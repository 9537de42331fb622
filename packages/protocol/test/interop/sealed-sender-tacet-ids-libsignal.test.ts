/**
 * tacet's server names senders by their 27-character account id (Crockford
 * base32, not a UUID) in `senderUuid`. libsignal 0.72.1 must take such a
 * certificate as it takes its own: it validates it against the trust root,
 * and it opens a sealed PreKey message carrying it, both ways.
 */
import * as S from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { sealedSenderDecryptMessage, sealedSenderEncryptMessage } from '../../src/sealed-sender/index.js';
import { ProtocolAddress, processPreKeyBundle } from '../../src/session/index.js';
import { buf, u8 } from '../support/libsignal-group-stores.js';
import { LibsignalParty, toTacetBundle } from '../support/libsignal-stores.js';
import {
  DAY,
  libsignalDeviceCertificate,
  makeSenderCertificate,
  makeServer,
} from '../support/sealed-sender-fixtures.js';
import { createTacetParty } from '../support/tacet-party.js';

/** Strings shaped like tacet account ids (27 characters of Crockford base32). */
const TACET_ID = '2m4k8vq0x9a7d3f5h1j6n2p4r0c';
const LIB_ID = '7tw3b5z9y1x6v8u0s2q4o6m8k0b';
const NOW = Date.now();
const text = (s: string) => new TextEncoder().encode(s);

describe('certificates naming tacet account ids', () => {
  it('libsignal validates them and opens sealed messages both ways', async () => {
    const server = makeServer(2);
    const libRoot = S.PublicKey.deserialize(buf(server.trustRoot.publicKey.serialize()));
    const tacet = createTacetParty(TACET_ID, 1);
    // 0.72.1 predates SPQR: the classic ratchet, as the other 0.72.1 sealed-sender suites.
    tacet.stores.legacyClassicRatchet = true;
    const lib = new LibsignalParty(LIB_ID, 1);
    const tacetCert = makeSenderCertificate(server, tacet.identity.publicKey, {
      uuid: TACET_ID,
      e164: null,
      expiration: NOW + DAY,
    });
    const parsed = S.SenderCertificate.deserialize(buf(tacetCert.serialize()));
    expect(parsed.senderUuid()).toBe(TACET_ID);
    expect(parsed.validate(libRoot, NOW)).toBe(true);
    expect(parsed.validate(libRoot, NOW + DAY + 1)).toBe(false);

    const libAddress = new ProtocolAddress(LIB_ID, 1);
    await processPreKeyBundle(toTacetBundle(await lib.bundle()), libAddress, tacet.stores, NOW);
    const sealed = await sealedSenderEncryptMessage(
      text('from tacet'),
      libAddress,
      tacetCert,
      tacet.stores,
      NOW,
    );
    const opened = await S.sealedSenderDecryptMessage(
      buf(sealed),
      libRoot,
      NOW,
      null,
      LIB_ID,
      1,
      lib.sessions,
      lib.identities,
      lib.preKeys,
      lib.signedPreKeys,
      lib.kyberPreKeys,
    );
    expect(opened.senderUuid()).toBe(TACET_ID);
    expect(u8(opened.message())).toEqual(text('from tacet'));

    const libCert = S.SenderCertificate.deserialize(
      buf(libsignalDeviceCertificate(server, lib.identity.publicKey, LIB_ID, NOW + DAY)),
    );
    const reply = await S.sealedSenderEncryptMessage(
      buf(text('from libsignal')),
      S.ProtocolAddress.new(TACET_ID, 1),
      libCert,
      lib.sessions,
      lib.identities,
    );
    const got = await sealedSenderDecryptMessage(
      u8(reply),
      server.trustRoot.publicKey,
      NOW,
      { uuid: TACET_ID, e164: null, deviceId: 1 },
      tacet.stores,
    );
    expect(got).toMatchObject({ message: text('from libsignal'), senderUuid: LIB_ID, deviceId: 1 });
  });
});
