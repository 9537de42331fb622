/**
 * Sealed sender v2 between tacet devices (docs/protocol.md §8.4): devices of one account
 * share one entry (bit 15 chains them), every device opens the same received
 * message, and missing sessions or disagreeing identity keys are refused.
 */
import { describe, expect, it } from 'vitest';
import { IdentityKeyPair } from '../../src/keys/index.js';
import {
  parseSealedSenderMultiRecipientMessage,
  sealedSenderDecryptMessage,
  sealedSenderDecryptToUsmc,
  sealedSenderMultiRecipientEncrypt,
  UnidentifiedSenderMessageContent,
} from '../../src/sealed-sender/index.js';
import { processPreKeyBundle, signalEncrypt } from '../../src/session/index.js';
import {
  ALICE_UUID,
  BOB_UUID,
  makeSenderCertificate,
  makeServer,
} from '../support/sealed-sender-fixtures.js';
import { createTacetParty } from '../support/tacet-party.js';

const CAROL_UUID = '5f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e';

async function scene() {
  const alice = createTacetParty(ALICE_UUID, 1);
  const bobIdentity = IdentityKeyPair.generate();
  const bob1 = createTacetParty(BOB_UUID, 1, bobIdentity);
  const bob2 = createTacetParty(BOB_UUID, 2, bobIdentity);
  const carol = createTacetParty(CAROL_UUID, 7);
  for (const peer of [bob1, bob2, carol]) {
    await processPreKeyBundle(await peer.bundle(), peer.address, alice.stores, Date.now());
  }
  const cert = makeSenderCertificate(makeServer(), alice.identity.publicKey);
  const usmc = UnidentifiedSenderMessageContent.create(
    { type: () => 8, serialize: () => Uint8Array.of(0xc0, 1, 2, 0x80) },
    cert,
    0,
    new Uint8Array(16),
  );
  return { alice, bob1, bob2, carol, usmc };
}

describe('sealed sender v2 between tacet devices', () => {
  it('groups the devices of one account and lets each device open the shared message', async () => {
    const { alice, bob1, bob2, carol, usmc } = await scene();
    const sent = await sealedSenderMultiRecipientEncrypt(
      usmc,
      [bob1.address, carol.address, bob2.address],
      alice.stores,
    );
    const parsed = parseSealedSenderMultiRecipientMessage(sent);
    expect([...parsed.recipients.keys()]).toEqual([BOB_UUID, CAROL_UUID]);
    expect(parsed.recipients.get(BOB_UUID)?.devices).toEqual([
      { deviceId: 1, registrationId: bob1.registrationId },
      { deviceId: 2, registrationId: bob2.registrationId },
    ]);
    const forBob = parsed.messageForRecipient(BOB_UUID);
    for (const device of [bob1, bob2]) {
      expect((await sealedSenderDecryptToUsmc(forBob, device.stores.identities)).serialize()).toEqual(
        usmc.serialize(),
      );
    }
    const forCarol = parsed.messageForRecipient(CAROL_UUID);
    expect((await sealedSenderDecryptToUsmc(forCarol, carol.stores.identities)).contents).toEqual(
      usmc.contents,
    );
    await expect(sealedSenderDecryptToUsmc(forBob, carol.stores.identities)).rejects.toMatchObject({
      code: 'InvalidMessage',
    });
    expect(() => parsed.messageForRecipient(ALICE_UUID)).toThrow(RangeError);
  });

  it('refuses a device without a session and devices that disagree on the identity key', async () => {
    const { alice, bob1, carol, usmc } = await scene();
    const stranger = createTacetParty('0f0e0d0c-0b0a-4908-8706-050403020100', 1);
    await expect(
      sealedSenderMultiRecipientEncrypt(usmc, [stranger.address], alice.stores),
    ).rejects.toMatchObject({
      code: 'NoSession',
    });
    const impostor = createTacetParty(BOB_UUID, 3); // same account name, another identity
    await processPreKeyBundle(await impostor.bundle(), impostor.address, alice.stores, Date.now());
    await expect(
      sealedSenderMultiRecipientEncrypt(usmc, [bob1.address, impostor.address, carol.address], alice.stores),
    ).rejects.toMatchObject({ code: 'InvalidKey' });
  });

  it('sealedSenderDecryptMessage opens a v2 message carrying a 1:1 PreKey message', async () => {
    const server = makeServer();
    const alice = createTacetParty(ALICE_UUID, 1);
    const bob = createTacetParty(BOB_UUID, 1);
    await processPreKeyBundle(await bob.bundle(), bob.address, alice.stores, Date.now());
    const inner = await signalEncrypt(
      new TextEncoder().encode('v2 hello'),
      bob.address,
      alice.stores,
      Date.now(),
    );
    const cert = makeSenderCertificate(server, alice.identity.publicKey, { expiration: Date.now() + 60_000 });
    const usmc = UnidentifiedSenderMessageContent.create(inner, cert, 0, null);
    const sent = await sealedSenderMultiRecipientEncrypt(usmc, [bob.address], alice.stores);
    const received = parseSealedSenderMultiRecipientMessage(sent).messageForRecipient(BOB_UUID);
    const local = { uuid: BOB_UUID, e164: null, deviceId: 1 };
    const result = await sealedSenderDecryptMessage(
      received,
      server.trustRoot.publicKey,
      Date.now(),
      local,
      bob.stores,
    );
    expect(result).toMatchObject({
      message: new TextEncoder().encode('v2 hello'),
      senderUuid: ALICE_UUID,
      deviceId: 1,
    });
  });
});
