/**
 * Sealed sender v2 (multi-recipient, docs/protocol.md §8.4) against libsignal 0.72.1:
 * each side encrypts a sender-key message once for several recipients with
 * sessions, the other side's parser agrees on recipients, registration ids,
 * exclusions and the per-recipient split, and every recipient decrypts.
 */
import * as S from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import {
  groupDecrypt,
  groupEncrypt,
  InMemorySenderKeyStore,
  processSenderKeyDistributionMessage,
  SenderKeyDistributionMessage,
} from '../../src/group/index.js';
import { PublicKey } from '../../src/keys/index.js';
import {
  ContentHint,
  parseSealedSenderMultiRecipientMessage,
  sealedSenderDecryptToUsmc,
  sealedSenderMultiRecipientEncrypt,
  UnidentifiedSenderMessageContent,
} from '../../src/sealed-sender/index.js';
import { ProtocolAddress, processPreKeyBundle } from '../../src/session/index.js';
import {
  buf,
  LibsignalMultiRecipientMessage,
  LibsignalSenderKeyStore,
  libsignalIssuedCertificate,
  libsignalKeysFrom,
  tacetKeysFrom,
  u8,
} from '../support/libsignal-group-stores.js';
import { LibsignalParty, toLibsignalBundle, toTacetBundle } from '../support/libsignal-stores.js';
import {
  ALICE_UUID,
  BOB_UUID,
  DAY,
  makeSenderCertificate,
  makeServer,
} from '../support/sealed-sender-fixtures.js';
import { createTacetParty } from '../support/tacet-party.js';

const CAROL_UUID = '5f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e';
const EXCLUDED = 'PNI:7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d';
const DIST = '2e4f6a8c-0b1d-4e3f-a5b7-c9d1e3f5a7b9';
const GROUP_ID = new Uint8Array(32).fill(9);
const text = (s: string) => new TextEncoder().encode(s);
const NOW = Date.now();

describe('sealed sender v2 with libsignal', () => {
  it('tacet encrypts once for a libsignal and a tacet recipient; both split and decrypt', async () => {
    const server = makeServer();
    const alice = createTacetParty(ALICE_UUID, 1);
    const bob = new LibsignalParty(BOB_UUID, 3);
    const carol = createTacetParty(CAROL_UUID, 2);
    const bobAddress = new ProtocolAddress(BOB_UUID, 3);
    const carolAddress = new ProtocolAddress(CAROL_UUID, 2);
    await processPreKeyBundle(toTacetBundle(await bob.bundle()), bobAddress, alice.stores, NOW);
    await processPreKeyBundle(await carol.bundle(), carolAddress, alice.stores, NOW);

    const aliceKeys = new InMemorySenderKeyStore();
    const skdm = await SenderKeyDistributionMessage.create(alice.address, DIST, aliceKeys);
    const aliceLib = S.ProtocolAddress.new(ALICE_UUID, 1);
    const bobKeys = await libsignalKeysFrom(aliceLib, skdm);
    const carolKeys = new InMemorySenderKeyStore();
    await processSenderKeyDistributionMessage(alice.address, skdm, carolKeys);

    const cert = makeSenderCertificate(server, alice.identity.publicKey, { expiration: NOW + DAY });
    const message = await groupEncrypt(alice.address, DIST, aliceKeys, text('to the group'));
    const usmc = UnidentifiedSenderMessageContent.create(message, cert, ContentHint.Resendable, GROUP_ID);
    const sent = await sealedSenderMultiRecipientEncrypt(usmc, [bobAddress, carolAddress], alice.stores, [
      EXCLUDED,
    ]);

    const lib = new LibsignalMultiRecipientMessage(buf(sent));
    const libRecipients = lib.recipientsByServiceIdString();
    expect(Object.keys(libRecipients).sort()).toEqual([BOB_UUID, CAROL_UUID].sort());
    expect(libRecipients[BOB_UUID]).toMatchObject({ deviceIds: [3], registrationIds: [bob.registrationId] });
    expect(libRecipients[CAROL_UUID]).toMatchObject({
      deviceIds: [2],
      registrationIds: [carol.registrationId],
    });
    expect(lib.excludedRecipientServiceIdStrings()).toEqual([EXCLUDED]);

    const ours = parseSealedSenderMultiRecipientMessage(sent);
    expect(ours.excluded).toEqual([EXCLUDED]);
    const forBob = u8(lib.messageForRecipient(libRecipients[BOB_UUID] as never));
    expect(ours.messageForRecipient(BOB_UUID)).toEqual(forBob);
    const bobUsmc = await S.sealedSenderDecryptToUsmc(buf(forBob), bob.identities);
    expect(u8(bobUsmc.serialize())).toEqual(usmc.serialize());
    expect(u8(await S.groupDecrypt(aliceLib, bobKeys, bobUsmc.contents()))).toEqual(text('to the group'));

    const carolUsmc = await sealedSenderDecryptToUsmc(
      ours.messageForRecipient(CAROL_UUID),
      carol.stores.identities,
    );
    expect(carolUsmc.senderCertificate.validate(server.trustRoot.publicKey, NOW)).toBe(true);
    expect(await groupDecrypt(alice.address, carolKeys, carolUsmc.contents)).toEqual(text('to the group'));
  });

  it('libsignal encrypts once for a tacet and a libsignal recipient; tacet splits and decrypts', async () => {
    const alice = new LibsignalParty(ALICE_UUID, 1);
    const bob = createTacetParty(BOB_UUID, 1);
    const carol = new LibsignalParty(CAROL_UUID, 5);
    const bobLib = S.ProtocolAddress.new(BOB_UUID, 1);
    const carolLib = S.ProtocolAddress.new(CAROL_UUID, 5);
    await S.processPreKeyBundle(
      toLibsignalBundle(await bob.bundle()),
      bobLib,
      alice.sessions,
      alice.identities,
    );
    await S.processPreKeyBundle(await carol.bundle(), carolLib, alice.sessions, alice.identities);

    const aliceKeys = new LibsignalSenderKeyStore();
    const skdm = await S.SenderKeyDistributionMessage.create(alice.address, DIST, aliceKeys);
    const aliceTacet = new ProtocolAddress(ALICE_UUID, 1);
    const bobKeys = await tacetKeysFrom(aliceTacet, skdm);

    const { certificate: cert, root } = libsignalIssuedCertificate(
      { uuid: ALICE_UUID, deviceId: 1, identityKey: alice.identity.publicKey },
      NOW + DAY,
    );
    const message = await S.groupEncrypt(alice.address, DIST, aliceKeys, buf(text('libsignal group')));
    const usmc = S.UnidentifiedSenderMessageContent.new(message, cert, 0, buf(GROUP_ID));
    const sent = u8(
      await S.sealedSenderMultiRecipientEncrypt(usmc, [bobLib, carolLib], alice.identities, alice.sessions),
    );

    const ours = parseSealedSenderMultiRecipientMessage(sent);
    expect([...ours.recipients.keys()]).toEqual([BOB_UUID, CAROL_UUID]);
    expect(ours.recipients.get(BOB_UUID)?.devices).toEqual([
      { deviceId: 1, registrationId: bob.registrationId },
    ]);
    expect(ours.recipients.get(CAROL_UUID)?.devices).toEqual([
      { deviceId: 5, registrationId: carol.registrationId },
    ]);
    const lib = new LibsignalMultiRecipientMessage(buf(sent));
    const libRecipients = lib.recipientsByServiceIdString();
    expect(ours.messageForRecipient(CAROL_UUID)).toEqual(
      u8(lib.messageForRecipient(libRecipients[CAROL_UUID] as never)),
    );

    const bobUsmc = await sealedSenderDecryptToUsmc(
      ours.messageForRecipient(BOB_UUID),
      bob.stores.identities,
    );
    expect(bobUsmc.serialize()).toEqual(u8(usmc.serialize()));
    expect(
      bobUsmc.senderCertificate.validate(PublicKey.deserialize(u8(root.getPublicKey().serialize())), NOW),
    ).toBe(true);
    expect(await groupDecrypt(aliceTacet, bobKeys, bobUsmc.contents)).toEqual(text('libsignal group'));

    // A received message for Bob does not open for Carol's identity, nor with a flipped AT bit.
    const forBob = ours.messageForRecipient(BOB_UUID);
    const flipped = forBob.slice();
    flipped[40] = (flipped[40] as number) ^ 1;
    await expect(sealedSenderDecryptToUsmc(flipped, bob.stores.identities)).rejects.toMatchObject({
      code: 'InvalidMessage',
    });
    await expect(S.sealedSenderDecryptToUsmc(buf(forBob), carol.identities)).rejects.toThrow();
  });
});
