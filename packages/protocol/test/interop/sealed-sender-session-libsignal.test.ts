/**
 * Sealed sender around real 1:1 sessions, against libsignal 0.72.1
 * (docs/protocol.md §8.3): each side initiates (PreKey content, sealed type 1), the other
 * replies (Whisper content, type 2), and both refuse self-sends, expired
 * certificates and foreign trust roots.
 */
import * as S from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { sealedSenderDecryptMessage, sealedSenderEncryptMessage } from '../../src/sealed-sender/index.js';
import { ProtocolAddress, processPreKeyBundle } from '../../src/session/index.js';
import { buf, u8 } from '../support/libsignal-group-stores.js';
import { LibsignalParty, toLibsignalBundle, toTacetBundle } from '../support/libsignal-stores.js';
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

function setup() {
  const server = makeServer();
  const trustRoot = server.trustRoot.publicKey;
  const libTrustRoot = S.PublicKey.deserialize(buf(trustRoot.serialize()));
  const tacet = createTacetParty(ALICE_UUID, 1);
  // 0.72.1 predates SPQR (spqr-sealed-sender-libsignal-0103.test.ts covers SPQR sessions).
  tacet.stores.legacyClassicRatchet = true;
  const lib = new LibsignalParty(BOB_UUID, 1);
  const tacetCert = makeSenderCertificate(server, tacet.identity.publicKey, { expiration: NOW + DAY });
  const libCert = S.SenderCertificate.deserialize(
    buf(libsignalDeviceCertificate(server, lib.identity.publicKey, BOB_UUID, NOW + DAY)),
  );
  const libAddress = new ProtocolAddress(BOB_UUID, 1);
  const tacetLibAddress = S.ProtocolAddress.new(ALICE_UUID, 1);
  return { server, trustRoot, libTrustRoot, tacet, lib, tacetCert, libCert, libAddress, tacetLibAddress };
}

function libDecrypt(x: ReturnType<typeof setup>, envelope: Uint8Array, at = NOW) {
  const { lib } = x;
  return S.sealedSenderDecryptMessage(
    buf(envelope),
    x.libTrustRoot,
    at,
    null,
    BOB_UUID,
    1,
    lib.sessions,
    lib.identities,
    lib.preKeys,
    lib.signedPreKeys,
    lib.kyberPreKeys,
  );
}

const tacetLocal = { uuid: ALICE_UUID, e164: null, deviceId: 1 };

describe('sealed 1:1 messages with libsignal', () => {
  it('tacet initiates sealed, libsignal decrypts and replies sealed, tacet decrypts', async () => {
    const x = setup();
    await processPreKeyBundle(toTacetBundle(await x.lib.bundle()), x.libAddress, x.tacet.stores, NOW);
    const first = await sealedSenderEncryptMessage(
      text('sealed hi'),
      x.libAddress,
      x.tacetCert,
      x.tacet.stores,
      NOW,
    );
    const opened = await libDecrypt(x, first);
    expect(u8(opened.message())).toEqual(text('sealed hi'));
    expect(opened.senderUuid()).toBe(ALICE_UUID);
    expect(opened.deviceId()).toBe(1);

    const reply = u8(
      await S.sealedSenderEncryptMessage(
        buf(text('sealed reply')),
        x.tacetLibAddress,
        x.libCert,
        x.lib.sessions,
        x.lib.identities,
      ),
    );
    const result = await sealedSenderDecryptMessage(reply, x.trustRoot, NOW, tacetLocal, x.tacet.stores);
    expect(result).toMatchObject({
      message: text('sealed reply'),
      senderUuid: BOB_UUID,
      senderE164: null,
      deviceId: 1,
    });

    const second = await sealedSenderEncryptMessage(
      text('again'),
      x.libAddress,
      x.tacetCert,
      x.tacet.stores,
      NOW,
    );
    expect(u8((await libDecrypt(x, second)).message())).toEqual(text('again'));
  });

  it('libsignal initiates sealed, tacet decrypts the PreKey content and replies sealed', async () => {
    const x = setup();
    const tacetAddressForLib = x.tacetLibAddress;
    await S.processPreKeyBundle(
      toLibsignalBundle(await x.tacet.bundle()),
      tacetAddressForLib,
      x.lib.sessions,
      x.lib.identities,
    );
    const first = u8(
      await S.sealedSenderEncryptMessage(
        buf(text('from libsignal')),
        tacetAddressForLib,
        x.libCert,
        x.lib.sessions,
        x.lib.identities,
      ),
    );
    const result = await sealedSenderDecryptMessage(first, x.trustRoot, NOW, tacetLocal, x.tacet.stores);
    expect(result.message).toEqual(text('from libsignal'));
    const reply = await sealedSenderEncryptMessage(
      text('tacet reply'),
      x.libAddress,
      x.tacetCert,
      x.tacet.stores,
      NOW,
    );
    expect(u8((await libDecrypt(x, reply)).message())).toEqual(text('tacet reply'));
  });

  it('both refuse a self-send, an expired certificate and a foreign trust root', async () => {
    const x = setup();
    await processPreKeyBundle(toTacetBundle(await x.lib.bundle()), x.libAddress, x.tacet.stores, NOW);
    const envelope = await sealedSenderEncryptMessage(
      text('x'),
      x.libAddress,
      x.tacetCert,
      x.tacet.stores,
      NOW,
    );
    await expect(libDecrypt(x, envelope, NOW + DAY + 1)).rejects.toThrow();
    const selfCert = S.SenderCertificate.deserialize(
      buf(libsignalDeviceCertificate(x.server, x.lib.identity.publicKey, ALICE_UUID, NOW + DAY)),
    );
    await S.processPreKeyBundle(
      toLibsignalBundle(await x.tacet.bundle()),
      x.tacetLibAddress,
      x.lib.sessions,
      x.lib.identities,
    );
    const reflected = u8(
      await S.sealedSenderEncryptMessage(
        buf(text('me?')),
        x.tacetLibAddress,
        selfCert,
        x.lib.sessions,
        x.lib.identities,
      ),
    );
    const code = async (p: Promise<unknown>) =>
      p.then(
        () => 'accepted',
        (e: unknown) => (e instanceof ProtocolError ? e.code : String(e)),
      );
    expect(
      await code(sealedSenderDecryptMessage(reflected, x.trustRoot, NOW, tacetLocal, x.tacet.stores)),
    ).toBe('SealedSenderSelfSend');
    const good = u8(
      await S.sealedSenderEncryptMessage(
        buf(text('ok')),
        x.tacetLibAddress,
        x.libCert,
        x.lib.sessions,
        x.lib.identities,
      ),
    );
    expect(
      await code(sealedSenderDecryptMessage(good, x.trustRoot, NOW + DAY + 1, tacetLocal, x.tacet.stores)),
    ).toBe('InvalidCertificate');
    expect(
      await code(
        sealedSenderDecryptMessage(good, makeServer().trustRoot.publicKey, NOW, tacetLocal, x.tacet.stores),
      ),
    ).toBe('InvalidCertificate');
    // the refusals consumed nothing: the same envelope still decrypts
    expect(
      (await sealedSenderDecryptMessage(good, x.trustRoot, NOW, tacetLocal, x.tacet.stores)).message,
    ).toEqual(text('ok'));
  });
});
