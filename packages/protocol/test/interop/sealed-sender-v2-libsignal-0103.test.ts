/**
 * Sealed sender v2 multi-recipient messages (docs/protocol.md §8.4) against
 * libsignal 0.103 around SPQR sessions, both ways, with several devices per
 * recipient: the sender-key distribution message travels over each SPQR 1:1
 * session as a client sends it, then one v2 encryption covers every device of
 * every recipient and names an excluded one. Both parsers agree on the
 * recipients, device and registration-id lists and exclusions and cut
 * byte-identical per-recipient copies, which every device opens; a PreKey
 * (SPQR) message inside a v2 envelope starts a session on either side; a copy
 * with one flipped byte opens on neither.
 */
import * as L from 'libsignal-client-0103';
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
  sealedSenderDecryptToUsmc,
  sealedSenderMultiRecipientEncrypt,
  UnidentifiedSenderMessageContent,
} from '../../src/sealed-sender/index.js';
import {
  ProtocolAddress,
  processPreKeyBundle,
  signalDecryptPreKey,
  signalEncrypt,
} from '../../src/session/index.js';
import {
  ab,
  address0103,
  bundle0103Of,
  MultiRecipientMessage0103,
  Party0103,
  senderCertificate0103,
  tacetBundleOf0103,
} from '../support/libsignal-0103.js';
import { sealedPair0103 } from '../support/sealed-pair-0103.js';
import {
  ALICE_UUID,
  BOB_UUID,
  DAY,
  makeSenderCertificate,
  makeServer,
} from '../support/sealed-sender-fixtures.js';
import { createTacetParty, type TacetParty } from '../support/tacet-party.js';

const CAROL_UUID = '5f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e';
const EXCLUDED = 'PNI:7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d';
const DIST = '8c4e2a10-7b3d-4f5e-9a1c-0d2e4f6a8b9c';
const GROUP_ID = new Uint8Array(32).fill(5);
const text = (s: string) => new TextEncoder().encode(s);
const NOW = Date.now();

/** 0.103 devices of one account: they share its identity key. */
function devices0103(name: string, deviceIds: number[]): Party0103[] {
  const identity = L.IdentityKeyPair.generate();
  return deviceIds.map((d) => new Party0103(name, d, identity));
}

/** tacet devices of one account: they share its identity key. */
function tacetDevices(name: string, deviceIds: number[]): TacetParty[] {
  const identity = IdentityKeyPair.generate();
  return deviceIds.map((d) => createTacetParty(name, d, identity));
}

/** The copy for `recipient` as 0.103's parser cuts it. */
function libCopy(sent: Uint8Array, recipient: string): Uint8Array {
  const lib = new MultiRecipientMessage0103(ab(sent));
  const r = lib.recipientsByServiceIdString()[recipient];
  if (r === undefined) throw new Error(`0.103 finds no ${recipient} in the message`);
  return new Uint8Array(lib.messageForRecipient(r));
}

/** `bytes` with one bit flipped at `at` (the envelope's encrypted static part). */
function flipped(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice();
  copy[at] = (copy[at] as number) ^ 1;
  return copy;
}

describe('sealed sender v2 with libsignal 0.103 (SPQR sessions)', () => {
  it('tacet seals once for two 0.103 and two tacet devices; 0.103 parses the same lists and decrypts', async () => {
    const server = makeServer();
    const alice = createTacetParty(ALICE_UUID, 1);
    const aliceLib = address0103(alice.address);
    const bobs = devices0103(BOB_UUID, [1, 7]);
    const carols = tacetDevices(CAROL_UUID, [2, 3]);
    const aliceKeys = new InMemorySenderKeyStore();
    const skdm = await SenderKeyDistributionMessage.create(alice.address, DIST, aliceKeys);

    // Each 0.103 device gets the distribution message as the first (PreKey, SPQR) message of its session.
    const addresses: ProtocolAddress[] = [];
    for (const b of bobs) {
      const address = new ProtocolAddress(BOB_UUID, b.deviceId);
      await processPreKeyBundle(tacetBundleOf0103(await b.bundle()), address, alice.stores, NOW);
      const carried = await signalEncrypt(skdm.serialize(), address, alice.stores, NOW);
      expect(carried.type()).toBe(L.CiphertextMessageType.PreKey);
      const skdmBytes = await b.decrypt(carried.type(), carried.serialize(), aliceLib);
      const received = L.SenderKeyDistributionMessage.deserialize(ab(skdmBytes));
      await L.processSenderKeyDistributionMessage(aliceLib, received, b.senderKeys);
      addresses.push(address);
    }
    const carolKeys = carols.map(() => new InMemorySenderKeyStore());
    for (const [i, c] of carols.entries()) {
      await processPreKeyBundle(await c.bundle(), c.address, alice.stores, NOW);
      await processSenderKeyDistributionMessage(alice.address, skdm, carolKeys[i] as InMemorySenderKeyStore);
      addresses.push(c.address);
    }

    const cert = makeSenderCertificate(server, alice.identity.publicKey, { expiration: NOW + DAY });
    const message = await groupEncrypt(alice.address, DIST, aliceKeys, text('to every device'));
    const usmc = UnidentifiedSenderMessageContent.create(message, cert, ContentHint.Resendable, GROUP_ID);
    const sent = await sealedSenderMultiRecipientEncrypt(usmc, addresses, alice.stores, [EXCLUDED]);

    const lib = new MultiRecipientMessage0103(ab(sent));
    const libRecipients = lib.recipientsByServiceIdString();
    expect(Object.keys(libRecipients).sort()).toEqual([BOB_UUID, CAROL_UUID].sort());
    expect(libRecipients[BOB_UUID]).toMatchObject({
      deviceIds: [1, 7],
      registrationIds: bobs.map((b) => b.registrationId),
    });
    expect(libRecipients[CAROL_UUID]).toMatchObject({
      deviceIds: [2, 3],
      registrationIds: carols.map((c) => c.registrationId),
    });
    expect(lib.excludedRecipientServiceIdStrings()).toEqual([EXCLUDED]);
    const ours = parseSealedSenderMultiRecipientMessage(sent);
    for (const id of [BOB_UUID, CAROL_UUID]) expect(ours.messageForRecipient(id)).toEqual(libCopy(sent, id));

    const libTrustRoot = L.PublicKey.deserialize(ab(server.trustRoot.publicKey.serialize()));
    const forBob = ours.messageForRecipient(BOB_UUID);
    for (const b of bobs) {
      const opened = await L.sealedSenderDecryptToUsmc(ab(forBob), b.identities);
      expect(new Uint8Array(opened.serialize())).toEqual(usmc.serialize());
      expect(opened.senderCertificate().validate(libTrustRoot, NOW)).toBe(true);
      expect(opened.contentHint()).toBe(ContentHint.Resendable);
      expect(new Uint8Array(opened.groupId() ?? [])).toEqual(GROUP_ID);
      const plaintext = await L.groupDecrypt(aliceLib, b.senderKeys, opened.contents());
      expect(new Uint8Array(plaintext)).toEqual(text('to every device'));
    }
    for (const [i, c] of carols.entries()) {
      const opened = await sealedSenderDecryptToUsmc(
        ours.messageForRecipient(CAROL_UUID),
        c.stores.identities,
      );
      const keys = carolKeys[i] as InMemorySenderKeyStore;
      expect(await groupDecrypt(alice.address, keys, opened.contents)).toEqual(text('to every device'));
    }
    // Bob's copy with a flipped byte opens for no Bob device, and Carol's identity cannot open Bob's copy.
    await expect(
      L.sealedSenderDecryptToUsmc(ab(flipped(forBob, 40)), (bobs[0] as Party0103).identities),
    ).rejects.toBeInstanceOf(L.LibSignalErrorBase);
    await expect(
      sealedSenderDecryptToUsmc(forBob, (carols[0] as TacetParty).stores.identities),
    ).rejects.toMatchObject({ code: 'InvalidMessage' });
  });

  it('0.103 seals once for two tacet and two 0.103 devices; tacet parses the same lists and decrypts', async () => {
    const server = makeServer();
    const alice = new Party0103(ALICE_UUID, 1);
    const aliceTacet = new ProtocolAddress(ALICE_UUID, 1);
    const bobs = tacetDevices(BOB_UUID, [1, 4]);
    const carols = devices0103(CAROL_UUID, [5, 6]);
    const skdm = await L.SenderKeyDistributionMessage.create(alice.address, DIST, alice.senderKeys);

    // Each tacet device gets the distribution message as the first (PreKey, SPQR) message of its session.
    const addresses: L.ProtocolAddress[] = [];
    const bobKeys = bobs.map(() => new InMemorySenderKeyStore());
    for (const [i, b] of bobs.entries()) {
      const address = address0103(b.address);
      await alice.startSession(bundle0103Of(await b.bundle()), address);
      const carried = await alice.encrypt(skdm.serialize(), address);
      expect(carried.type()).toBe(L.CiphertextMessageType.PreKey);
      const skdmBytes = await signalDecryptPreKey(carried.serialize(), aliceTacet, b.stores);
      const received = SenderKeyDistributionMessage.deserialize(skdmBytes);
      await processSenderKeyDistributionMessage(aliceTacet, received, bobKeys[i] as InMemorySenderKeyStore);
      addresses.push(address);
    }
    for (const c of carols) {
      await alice.startSession(await c.bundle(), c.address);
      await L.processSenderKeyDistributionMessage(alice.address, skdm, c.senderKeys);
      addresses.push(c.address);
    }

    const cert = senderCertificate0103(server, alice, NOW + DAY);
    const message = await L.groupEncrypt(alice.address, DIST, alice.senderKeys, ab(text('from 0.103')));
    const usmc = L.UnidentifiedSenderMessageContent.new(message, cert, L.ContentHint.Implicit, ab(GROUP_ID));
    const sent = new Uint8Array(
      await L.sealedSenderMultiRecipientEncrypt({
        content: usmc,
        recipients: addresses,
        excludedRecipients: [L.ServiceId.parseFromServiceIdString(EXCLUDED)],
        identityStore: alice.identities,
        sessionStore: alice.sessions,
      }),
    );

    const ours = parseSealedSenderMultiRecipientMessage(sent);
    expect([...ours.recipients.keys()].sort()).toEqual([BOB_UUID, CAROL_UUID].sort());
    expect(ours.recipients.get(BOB_UUID)?.devices).toEqual(
      bobs.map((b) => ({ deviceId: b.address.deviceId, registrationId: b.registrationId })),
    );
    expect(ours.recipients.get(CAROL_UUID)?.devices).toEqual(
      carols.map((c) => ({ deviceId: c.deviceId, registrationId: c.registrationId })),
    );
    expect(ours.excluded).toEqual([EXCLUDED]);
    for (const id of [BOB_UUID, CAROL_UUID]) expect(ours.messageForRecipient(id)).toEqual(libCopy(sent, id));

    const forBob = ours.messageForRecipient(BOB_UUID);
    for (const [i, b] of bobs.entries()) {
      const opened = await sealedSenderDecryptToUsmc(forBob, b.stores.identities);
      expect(opened.serialize()).toEqual(new Uint8Array(usmc.serialize()));
      expect(opened.senderCertificate.validate(server.trustRoot.publicKey, NOW)).toBe(true);
      expect(opened.contentHint).toBe(ContentHint.Implicit);
      expect(opened.groupId).toEqual(GROUP_ID);
      const keys = bobKeys[i] as InMemorySenderKeyStore;
      expect(await groupDecrypt(aliceTacet, keys, opened.contents)).toEqual(text('from 0.103'));
    }
    for (const c of carols) {
      const opened = await L.sealedSenderDecryptToUsmc(
        ab(ours.messageForRecipient(CAROL_UUID)),
        c.identities,
      );
      const plaintext = await L.groupDecrypt(alice.address, c.senderKeys, opened.contents());
      expect(new Uint8Array(plaintext)).toEqual(text('from 0.103'));
    }
    await expect(
      sealedSenderDecryptToUsmc(flipped(forBob, 40), (bobs[0] as TacetParty).stores.identities),
    ).rejects.toMatchObject({ code: 'InvalidMessage' });
  });

  it('a PreKey (SPQR) message in a v2 envelope starts a session through sealedSenderDecryptMessage, either side first', async () => {
    for (const tacetFirst of [true, false]) {
      const x = v2Channel();
      if (tacetFirst) {
        await processPreKeyBundle(tacetBundleOf0103(await x.lib.bundle()), x.libAddress, x.tacet.stores, NOW);
        expect(await x.tacetToLib('v2 hello')).toEqual({ type: 3, message: 'v2 hello' });
        expect(await x.libToTacet('v2 reply')).toEqual({ type: 2, message: 'v2 reply' });
        expect(await x.tacetToLib('v2 again')).toEqual({ type: 2, message: 'v2 again' });
      } else {
        await x.lib.startSession(bundle0103Of(await x.tacet.bundle()), address0103(x.tacet.address));
        expect(await x.libToTacet('v2 hello')).toEqual({ type: 3, message: 'v2 hello' });
        expect(await x.tacetToLib('v2 reply')).toEqual({ type: 2, message: 'v2 reply' });
        expect(await x.libToTacet('v2 again')).toEqual({ type: 2, message: 'v2 again' });
      }
      expect(x.tacet.stores.sessions.records.get(`${x.libAddress}`)?.current?.pqRatchet).toBeDefined();
    }
  });
});

/**
 * Alice (tacet) and Bob (0.103) sending each other 1:1 messages sealed as v2
 * for a single recipient, as a client sends to one device through the
 * multi-recipient endpoint; each side opens them as any sealed message.
 */
function v2Channel() {
  const x = sealedPair0103(NOW);
  const tacetToLib = async (s: string) => {
    const inner = await signalEncrypt(text(s), x.libAddress, x.tacet.stores, NOW);
    const usmc = UnidentifiedSenderMessageContent.create(inner, x.tacetCert, ContentHint.Default, null);
    const sent = await sealedSenderMultiRecipientEncrypt(usmc, [x.libAddress], x.tacet.stores);
    const opened = await x.libOpen(libCopy(sent, BOB_UUID));
    expect(opened.senderUuid()).toBe(ALICE_UUID);
    return { type: inner.type(), message: new TextDecoder().decode(opened.message()) };
  };
  const libToTacet = async (s: string) => {
    const inner = await x.lib.encrypt(text(s), x.tacetAddressForLib);
    const usmc = L.UnidentifiedSenderMessageContent.new(inner, x.libCert, L.ContentHint.Default, null);
    const sent = new Uint8Array(
      await L.sealedSenderMultiRecipientEncrypt({
        content: usmc,
        recipients: [x.tacetAddressForLib],
        identityStore: x.lib.identities,
        sessionStore: x.lib.sessions,
      }),
    );
    const result = await x.tacetOpen(
      parseSealedSenderMultiRecipientMessage(sent).messageForRecipient(ALICE_UUID),
    );
    expect(result).toMatchObject({ senderUuid: BOB_UUID, deviceId: 1 });
    return { type: inner.type(), message: new TextDecoder().decode(result.message) };
  };
  return { ...x, tacetToLib, libToTacet };
}
