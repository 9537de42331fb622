/**
 * Sealed sender v2 multi-recipient messages (docs/protocol.md §8.4) against
 * libsignal 0.72.1 with several devices per recipient, both ways: one
 * encryption for every device of every recipient; both parsers agree on the
 * device and registration-id lists and produce byte-identical per-recipient
 * splits; every device opens its copy; a session (PreKey) message inside a
 * v2 envelope goes through each side's sealedSenderDecryptMessage; and
 * devices of one account that disagree on its identity key are refused.
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
import { IdentityKeyPair } from '../../src/keys/index.js';
import {
  ContentHint,
  parseSealedSenderMultiRecipientMessage,
  StaticSecrets,
  sealedSenderDecryptMessage,
  sealedSenderDecryptToUsmc,
  sealedSenderMultiRecipientEncrypt,
  UnidentifiedSenderMessageContent,
} from '../../src/sealed-sender/index.js';
import { ProtocolAddress, processPreKeyBundle, signalEncrypt } from '../../src/session/index.js';
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
  libsignalDeviceCertificate,
  makeSenderCertificate,
  makeServer,
} from '../support/sealed-sender-fixtures.js';
import { createTacetParty } from '../support/tacet-party.js';

const CAROL_UUID = '5f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e';
const DIST = '6b8d0f12-3a5c-4e7f-9b1d-2f4a6c8e0a1b';
const text = (s: string) => new TextEncoder().encode(s);
const NOW = Date.now();

/** libsignal devices of one account: they share its identity key. */
function libsignalDevices(name: string, deviceIds: number[]): LibsignalParty[] {
  const identity = S.IdentityKeyPair.generate();
  return deviceIds.map((d) => new LibsignalParty(name, d, identity));
}

describe('sealed sender v2 with several devices per recipient, with libsignal', () => {
  it('tacet seals once for two libsignal and two tacet devices; libsignal parses the same lists and splits', async () => {
    const server = makeServer();
    const alice = createTacetParty(ALICE_UUID, 1);
    const bobs = libsignalDevices(BOB_UUID, [1, 7]);
    const carolIdentity = IdentityKeyPair.generate();
    const carols = [2, 3].map((d) => createTacetParty(CAROL_UUID, d, carolIdentity));
    const addresses: ProtocolAddress[] = [];
    for (const b of bobs) {
      const a = new ProtocolAddress(BOB_UUID, b.deviceId);
      await processPreKeyBundle(toTacetBundle(await b.bundle()), a, alice.stores, NOW);
      addresses.push(a);
    }
    for (const c of carols) {
      await processPreKeyBundle(await c.bundle(), c.address, alice.stores, NOW);
      addresses.push(c.address);
    }
    const aliceKeys = new InMemorySenderKeyStore();
    const skdm = await SenderKeyDistributionMessage.create(alice.address, DIST, aliceKeys);
    const cert = makeSenderCertificate(server, alice.identity.publicKey, { expiration: NOW + DAY });
    const message = await groupEncrypt(alice.address, DIST, aliceKeys, text('to every device'));
    const usmc = UnidentifiedSenderMessageContent.create(message, cert, ContentHint.Resendable, null);
    const sent = await sealedSenderMultiRecipientEncrypt(usmc, addresses, alice.stores);

    const lib = new LibsignalMultiRecipientMessage(buf(sent));
    const libRecipients = lib.recipientsByServiceIdString();
    expect(libRecipients[BOB_UUID]).toMatchObject({
      deviceIds: [1, 7],
      registrationIds: bobs.map((b) => b.registrationId),
    });
    expect(libRecipients[CAROL_UUID]).toMatchObject({
      deviceIds: [2, 3],
      registrationIds: carols.map((c) => c.registrationId),
    });
    const ours = parseSealedSenderMultiRecipientMessage(sent);
    for (const id of [BOB_UUID, CAROL_UUID])
      expect(ours.messageForRecipient(id)).toEqual(u8(lib.messageForRecipient(libRecipients[id] as never)));

    const aliceLib = S.ProtocolAddress.new(ALICE_UUID, 1);
    for (const b of bobs) {
      const keys = await libsignalKeysFrom(aliceLib, skdm);
      const opened = await S.sealedSenderDecryptToUsmc(buf(ours.messageForRecipient(BOB_UUID)), b.identities);
      expect(u8(await S.groupDecrypt(aliceLib, keys, opened.contents()))).toEqual(text('to every device'));
    }
    for (const c of carols) {
      const keys = new InMemorySenderKeyStore();
      await processSenderKeyDistributionMessage(alice.address, skdm, keys);
      const opened = await sealedSenderDecryptToUsmc(
        ours.messageForRecipient(CAROL_UUID),
        c.stores.identities,
      );
      expect(await groupDecrypt(alice.address, keys, opened.contents)).toEqual(text('to every device'));
    }
  });

  it('libsignal seals once for two tacet and two libsignal devices; tacet parses the same lists and splits', async () => {
    const alice = new LibsignalParty(ALICE_UUID, 1);
    const bobIdentity = IdentityKeyPair.generate();
    const bobs = [1, 4].map((d) => createTacetParty(BOB_UUID, d, bobIdentity));
    const carols = libsignalDevices(CAROL_UUID, [5, 6]);
    const addresses: S.ProtocolAddress[] = [];
    for (const b of bobs) {
      const a = S.ProtocolAddress.new(BOB_UUID, b.address.deviceId);
      await S.processPreKeyBundle(toLibsignalBundle(await b.bundle()), a, alice.sessions, alice.identities);
      addresses.push(a);
    }
    for (const c of carols) {
      await S.processPreKeyBundle(await c.bundle(), c.address, alice.sessions, alice.identities);
      addresses.push(c.address);
    }
    const aliceKeys = new LibsignalSenderKeyStore();
    const skdm = await S.SenderKeyDistributionMessage.create(alice.address, DIST, aliceKeys);
    const { certificate: cert } = libsignalIssuedCertificate(
      { uuid: ALICE_UUID, deviceId: 1, identityKey: alice.identity.publicKey },
      NOW + DAY,
    );
    const message = await S.groupEncrypt(alice.address, DIST, aliceKeys, buf(text('from libsignal')));
    const usmc = S.UnidentifiedSenderMessageContent.new(message, cert, 0, null);
    const sent = u8(
      await S.sealedSenderMultiRecipientEncrypt(usmc, addresses, alice.identities, alice.sessions),
    );

    const ours = parseSealedSenderMultiRecipientMessage(sent);
    expect(ours.recipients.get(BOB_UUID)?.devices).toEqual(
      bobs.map((b) => ({ deviceId: b.address.deviceId, registrationId: b.registrationId })),
    );
    expect(ours.recipients.get(CAROL_UUID)?.devices).toEqual(
      carols.map((c) => ({ deviceId: c.deviceId, registrationId: c.registrationId })),
    );
    const lib = new LibsignalMultiRecipientMessage(buf(sent));
    const libRecipients = lib.recipientsByServiceIdString();
    for (const id of [BOB_UUID, CAROL_UUID])
      expect(ours.messageForRecipient(id)).toEqual(u8(lib.messageForRecipient(libRecipients[id] as never)));
    const aliceTacet = new ProtocolAddress(ALICE_UUID, 1);
    for (const b of bobs) {
      const keys = await tacetKeysFrom(aliceTacet, skdm);
      const opened = await sealedSenderDecryptToUsmc(ours.messageForRecipient(BOB_UUID), b.stores.identities);
      expect(await groupDecrypt(aliceTacet, keys, opened.contents)).toEqual(text('from libsignal'));
    }
  });

  it('a PreKey message in a v2 envelope opens through sealedSenderDecryptMessage on both sides', async () => {
    const server = makeServer();
    const trustRoot = server.trustRoot.publicKey;
    const alice = createTacetParty(ALICE_UUID, 1);
    alice.stores.legacyClassicRatchet = true; // 0.72.1 predates SPQR
    const bob = new LibsignalParty(BOB_UUID, 1);
    const bobAddress = new ProtocolAddress(BOB_UUID, 1);
    await processPreKeyBundle(toTacetBundle(await bob.bundle()), bobAddress, alice.stores, NOW);
    const cert = makeSenderCertificate(server, alice.identity.publicKey, { expiration: NOW + DAY });
    const inner = await signalEncrypt(text('v2 session hello'), bobAddress, alice.stores, NOW);
    const usmc = UnidentifiedSenderMessageContent.create(inner, cert, ContentHint.Default, null);
    const sent = await sealedSenderMultiRecipientEncrypt(usmc, [bobAddress], alice.stores);
    const forBob = parseSealedSenderMultiRecipientMessage(sent).messageForRecipient(BOB_UUID);
    const opened = await S.sealedSenderDecryptMessage(
      buf(forBob),
      S.PublicKey.deserialize(buf(trustRoot.serialize())),
      NOW,
      null,
      BOB_UUID,
      1,
      bob.sessions,
      bob.identities,
      bob.preKeys,
      bob.signedPreKeys,
      bob.kyberPreKeys,
    );
    expect(u8(opened.message())).toEqual(text('v2 session hello'));
    expect(opened.senderUuid()).toBe(ALICE_UUID);

    // libsignal answers the same way: its Whisper reply, sealed v2 for Alice's one device.
    const bobCert = S.SenderCertificate.deserialize(
      buf(libsignalDeviceCertificate(server, bob.identity.publicKey, BOB_UUID, NOW + DAY)),
    );
    const aliceLib = S.ProtocolAddress.new(ALICE_UUID, 1);
    const reply = await S.signalEncrypt(buf(text('v2 reply')), aliceLib, bob.sessions, bob.identities);
    const replyUsmc = S.UnidentifiedSenderMessageContent.new(reply, bobCert, 0, null);
    const replySent = u8(
      await S.sealedSenderMultiRecipientEncrypt(replyUsmc, [aliceLib], bob.identities, bob.sessions),
    );
    const forAlice = parseSealedSenderMultiRecipientMessage(replySent).messageForRecipient(ALICE_UUID);
    const result = await sealedSenderDecryptMessage(
      forAlice,
      trustRoot,
      NOW,
      { uuid: ALICE_UUID, e164: null, deviceId: 1 },
      alice.stores,
    );
    expect(result).toMatchObject({ message: text('v2 reply'), senderUuid: BOB_UUID, deviceId: 1 });
  });

  it('cached static-static secrets on both ends change nothing libsignal can see', async () => {
    const server = makeServer();
    const alice = createTacetParty(ALICE_UUID, 1);
    const [bob] = libsignalDevices(BOB_UUID, [1]) as [LibsignalParty];
    const carol = createTacetParty(CAROL_UUID, 1);
    const bobAddress = new ProtocolAddress(BOB_UUID, 1);
    await processPreKeyBundle(toTacetBundle(await bob.bundle()), bobAddress, alice.stores, NOW);
    await processPreKeyBundle(await carol.bundle(), carol.address, alice.stores, NOW);
    const aliceKeys = new InMemorySenderKeyStore();
    await SenderKeyDistributionMessage.create(alice.address, DIST, aliceKeys);
    const cert = makeSenderCertificate(server, alice.identity.publicKey, { expiration: NOW + DAY });
    const sending = { ...alice.stores, staticSecrets: new StaticSecrets() };
    const receiving = new StaticSecrets();
    for (let round = 0; round < 2; round++) {
      const message = await groupEncrypt(alice.address, DIST, aliceKeys, text(`round ${round}`));
      const usmc = UnidentifiedSenderMessageContent.create(message, cert, ContentHint.Default, null);
      const sent = await sealedSenderMultiRecipientEncrypt(usmc, [bobAddress, carol.address], sending);
      const parsed = parseSealedSenderMultiRecipientMessage(sent);
      const forBob = await S.sealedSenderDecryptToUsmc(
        buf(parsed.messageForRecipient(BOB_UUID)),
        bob.identities,
      );
      expect(u8(forBob.serialize())).toEqual(usmc.serialize());
      const forCarol = await sealedSenderDecryptToUsmc(
        parsed.messageForRecipient(CAROL_UUID),
        carol.stores.identities,
        receiving,
      );
      expect(forCarol.serialize()).toEqual(usmc.serialize());
    }
  });

  it('refuses to seal for devices of one account that disagree on its identity key', async () => {
    const alice = createTacetParty(ALICE_UUID, 1);
    const one = createTacetParty(CAROL_UUID, 1);
    const other = createTacetParty(CAROL_UUID, 2); // its own identity key
    for (const c of [one, other]) await processPreKeyBundle(await c.bundle(), c.address, alice.stores, NOW);
    const server = makeServer();
    const cert = makeSenderCertificate(server, alice.identity.publicKey, { expiration: NOW + DAY });
    const aliceKeys = new InMemorySenderKeyStore();
    await SenderKeyDistributionMessage.create(alice.address, DIST, aliceKeys);
    const message = await groupEncrypt(alice.address, DIST, aliceKeys, text('x'));
    const usmc = UnidentifiedSenderMessageContent.create(message, cert, ContentHint.Default, null);
    await expect(
      sealedSenderMultiRecipientEncrypt(usmc, [one.address, other.address], alice.stores),
    ).rejects.toMatchObject({ code: 'InvalidKey' });
  });
});
