/**
 * Sealed sender v1 against @signalapp/libsignal-client 0.72.1 (docs/protocol.md §8, §9 (d)):
 * certificates issued by either side validate on the other, and envelopes
 * sealed by either side open on the other down to the USMC, carrying a
 * sender-key message that the receiver then decrypts.
 */
import * as S from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import {
  groupDecrypt,
  groupEncrypt,
  InMemorySenderKeyStore,
  SenderKeyDistributionMessage,
} from '../../src/group/index.js';
import { IdentityKeyPair, PrivateKey, PublicKey } from '../../src/keys/index.js';
import {
  ContentHint,
  SenderCertificate,
  ServerCertificate,
  sealedSenderDecryptToUsmc,
  sealedSenderEncrypt,
  UnidentifiedSenderMessageContent,
} from '../../src/sealed-sender/index.js';
import { ProtocolAddress } from '../../src/session/index.js';
import {
  addresses,
  buf,
  LibsignalSenderKeyStore,
  libsignalIssuedCertificate,
  libsignalKeysFrom,
  tacetKeysFrom,
  u8,
} from '../support/libsignal-group-stores.js';
import { LibsignalIdentityKeyStore } from '../support/libsignal-stores.js';
import {
  ALICE_UUID,
  DAY,
  makeSenderCertificate,
  makeServer,
  NOW,
  TestIdentityStore,
} from '../support/sealed-sender-fixtures.js';

const DIST = 'c0ffee00-1234-4abc-8def-0123456789ab';
const GROUP_ID = new Uint8Array(32).fill(0x42);
const text = (s: string) => new TextEncoder().encode(s);
const libKey = (k: PublicKey) => S.PublicKey.deserialize(buf(k.serialize()));
const tacetKey = (k: S.PublicKey) => PublicKey.deserialize(u8(k.serialize()));

describe('certificates', () => {
  it('tacet validates libsignal-issued certificates and re-encodes them byte for byte', () => {
    const root = S.PrivateKey.generate();
    const serverKey = S.PrivateKey.generate();
    const server = S.ServerCertificate.new(3, serverKey.getPublicKey(), root);
    const sender = S.IdentityKeyPair.generate();
    const cert = S.SenderCertificate.new(
      ALICE_UUID,
      '+14152222222',
      2,
      sender.publicKey,
      NOW + DAY,
      server,
      serverKey,
    );
    const parsed = SenderCertificate.deserialize(u8(cert.serialize()));
    expect(parsed.senderUuid).toBe(ALICE_UUID);
    expect(parsed.senderE164).toBe('+14152222222');
    expect(parsed.senderDeviceId).toBe(2);
    expect(parsed.expiration).toBe(NOW + DAY);
    expect(parsed.signer.keyId).toBe(3);
    expect(parsed.validate(tacetKey(root.getPublicKey()), NOW)).toBe(true);
    expect(parsed.validate(tacetKey(root.getPublicKey()), NOW + DAY + 1)).toBe(false);
    expect(parsed.validate(tacetKey(S.PrivateKey.generate().getPublicKey()), NOW)).toBe(false);
    // same fields: tacet's encoder produces libsignal's signed bytes (signatures are randomized)
    const ourServer = ServerCertificate.create(3, tacetKey(serverKey.getPublicKey()), PrivateKey.generate());
    expect(ourServer.certificate).toEqual(u8(server.certificateData()));
    const ourCert = SenderCertificate.create(
      {
        senderUuid: ALICE_UUID,
        senderE164: '+14152222222',
        senderDeviceId: 2,
        identityKey: tacetKey(sender.publicKey),
        expiration: NOW + DAY,
        signer: parsed.signer,
      },
      PrivateKey.generate(),
    );
    expect(ourCert.certificate).toEqual(u8(cert.certificate()));
  });

  it('libsignal validates tacet-issued certificates, with and without an E.164', () => {
    const s = makeServer(11);
    for (const e164 of ['+14153333333', null]) {
      const cert = makeSenderCertificate(s, IdentityKeyPair.generate().publicKey, { e164 });
      const lib = S.SenderCertificate.deserialize(buf(cert.serialize()));
      expect(lib.senderUuid()).toBe(ALICE_UUID);
      expect(lib.senderE164()).toBe(e164);
      expect(lib.expiration()).toBe(NOW + DAY);
      expect(lib.validate(libKey(s.trustRoot.publicKey), NOW)).toBe(true);
      expect(lib.validate(libKey(s.trustRoot.publicKey), NOW + DAY + 1)).toBe(false);
    }
  });
});

describe('envelopes carrying sender-key messages', () => {
  it('tacet opens a libsignal envelope, reproduces its USMC bytes and decrypts the group message', async () => {
    const alice = addresses(ALICE_UUID, 1);
    const bob = addresses('bob', 1);
    const aliceIdentity = S.IdentityKeyPair.generate();
    const bobIdentity = IdentityKeyPair.generate();
    const { certificate: cert, root } = libsignalIssuedCertificate(
      { uuid: ALICE_UUID, deviceId: 1, identityKey: aliceIdentity.publicKey },
      NOW + DAY,
    );

    const aliceKeys = new LibsignalSenderKeyStore();
    const skdm = await S.SenderKeyDistributionMessage.create(alice.lib, DIST, aliceKeys);
    const bobKeys = await tacetKeysFrom(alice.tacet, skdm);
    const groupMessage = await S.groupEncrypt(alice.lib, DIST, aliceKeys, buf(text('sealed hello')));
    const usmc = S.UnidentifiedSenderMessageContent.new(
      groupMessage,
      cert,
      ContentHint.Resendable,
      buf(GROUP_ID),
    );
    const aliceIdentities = new LibsignalIdentityKeyStore(aliceIdentity);
    await aliceIdentities.saveIdentity(bob.lib, libKey(bobIdentity.publicKey));
    const envelope = u8(await S.sealedSenderEncrypt(usmc, bob.lib, aliceIdentities));
    expect(envelope[0]).toBe(0x11);

    const opened = await sealedSenderDecryptToUsmc(envelope, new TestIdentityStore(bobIdentity));
    expect(opened.serialize()).toEqual(u8(usmc.serialize()));
    expect(opened.msgType).toBe(7);
    expect(opened.contentHint).toBe(ContentHint.Resendable);
    expect(opened.groupId).toEqual(GROUP_ID);
    expect(opened.senderCertificate.validate(tacetKey(root.getPublicKey()), NOW)).toBe(true);
    expect(await groupDecrypt(alice.tacet, bobKeys, opened.contents)).toEqual(text('sealed hello'));

    const tampered = envelope.slice();
    tampered[tampered.length - 3] = (tampered[tampered.length - 3] as number) ^ 1;
    await expect(
      sealedSenderDecryptToUsmc(tampered, new TestIdentityStore(bobIdentity)),
    ).rejects.toBeInstanceOf(ProtocolError);
  });

  it('libsignal opens a tacet envelope and decrypts the group message inside', async () => {
    const alice = addresses(ALICE_UUID, 1);
    const bob = addresses('bob', 1);
    const s = makeServer();
    const aliceIdentities = new TestIdentityStore();
    const bobIdentity = S.IdentityKeyPair.generate();
    aliceIdentities.peers.set('bob.1', tacetKey(bobIdentity.publicKey));
    const cert = makeSenderCertificate(s, aliceIdentities.identity.publicKey, { e164: null });

    const aliceKeys = new InMemorySenderKeyStore();
    const skdm = await SenderKeyDistributionMessage.create(alice.tacet, DIST, aliceKeys);
    const bobKeys = await libsignalKeysFrom(alice.lib, skdm);
    const groupMessage = await groupEncrypt(alice.tacet, DIST, aliceKeys, text('from tacet'));
    const usmc = UnidentifiedSenderMessageContent.create(groupMessage, cert, ContentHint.Implicit, GROUP_ID);
    const envelope = await sealedSenderEncrypt(usmc, bob.tacet, aliceIdentities);

    const opened = await S.sealedSenderDecryptToUsmc(
      buf(envelope),
      new LibsignalIdentityKeyStore(bobIdentity),
    );
    expect(u8(opened.serialize())).toEqual(usmc.serialize());
    expect(opened.msgType()).toBe(S.CiphertextMessageType.SenderKey);
    expect(opened.contentHint()).toBe(ContentHint.Implicit);
    expect(u8(opened.groupId() as Buffer)).toEqual(GROUP_ID);
    expect(opened.senderCertificate().validate(libKey(s.trustRoot.publicKey), NOW)).toBe(true);
    expect(u8(await S.groupDecrypt(alice.lib, bobKeys, opened.contents()))).toEqual(text('from tacet'));
  });

  it('libsignal refuses a tacet envelope sealed to someone else', async () => {
    const s = makeServer();
    const aliceIdentities = new TestIdentityStore();
    const bobIdentity = S.IdentityKeyPair.generate();
    aliceIdentities.peers.set('bob.1', IdentityKeyPair.generate().publicKey); // wrong key for bob
    const cert = makeSenderCertificate(s, aliceIdentities.identity.publicKey);
    const plain = { type: () => 8, serialize: () => Uint8Array.of(0xc0, 0x42, 0x80) };
    const usmc = UnidentifiedSenderMessageContent.create(plain, cert, 0, null);
    const envelope = await sealedSenderEncrypt(usmc, ProtocolAddress.new('bob', 1), aliceIdentities);
    await expect(
      S.sealedSenderDecryptToUsmc(buf(envelope), new LibsignalIdentityKeyStore(bobIdentity)),
    ).rejects.toThrow();
  });
});
