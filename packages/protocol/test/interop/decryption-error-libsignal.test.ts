/**
 * Retry receipts against libsignal 0.72.1 (docs/protocol.md §5.5), both directions:
 * DecryptionErrorMessage.forOriginal over real PreKey and Whisper messages
 * from either implementation gives the same bytes in both; each side reads
 * the other's DecryptionErrorMessage and PlaintextContent; and a
 * PlaintextContent sealed by one (sealed content type 8) is opened by the other.
 */
import * as S from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/crypto/index.js';
import { PublicKey } from '../../src/keys/index.js';
import {
  ContentHint,
  sealedSenderDecryptToUsmc,
  sealedSenderEncrypt,
  UnidentifiedSenderMessageContent,
} from '../../src/sealed-sender/index.js';
import {
  DecryptionErrorMessage,
  extractDecryptionErrorMessage,
  PlaintextContent,
  PreKeySignalMessage,
  ProtocolAddress,
  processPreKeyBundle,
} from '../../src/session/index.js';
import { buf, u8 } from '../support/libsignal-group-stores.js';
import { LibsignalParty, toTacetBundle } from '../support/libsignal-stores.js';
import {
  ALICE_UUID,
  BOB_UUID,
  DAY,
  makeSenderCertificate,
  makeServer,
  NOW,
} from '../support/sealed-sender-fixtures.js';
import { PAIRINGS, type Wire } from '../support/session-peers.js';
import { createTacetParty } from '../support/tacet-party.js';

const te = new TextEncoder();
const TS = 1_765_432_109_876;

/** A PreKey message from the initiator and the responder's Whisper reply, for one pairing. */
async function originals(pairing: (typeof PAIRINGS)[number][1]): Promise<Wire[]> {
  const [a, b] = pairing();
  await a.startSession(b, await b.bundle(true));
  const first = await a.encrypt(te.encode('first'), b);
  await b.decrypt(first, a);
  const reply = await b.encrypt(te.encode('reply'), a);
  return [first, reply];
}

describe.each(PAIRINGS)('forOriginal over %s messages', (_name, pairing) => {
  it('gives the same bytes in tacet and libsignal, naming the ratchet key (never the base key)', async () => {
    const [first, reply] = await originals(pairing);
    expect([first?.type, reply?.type]).toEqual([3, 2]);
    for (const wire of [first, reply] as Wire[]) {
      const ours = DecryptionErrorMessage.forOriginal(wire.bytes, wire.type, TS, 3);
      const theirs = S.DecryptionErrorMessage.forOriginal(buf(wire.bytes), wire.type, TS, 3);
      expect(toHex(ours.serialize())).toBe(toHex(u8(theirs.serialize())));
      expect([ours.timestamp, ours.deviceId]).toEqual([theirs.timestamp(), theirs.deviceId()]);
    }
    const prekey = PreKeySignalMessage.deserialize((first as Wire).bytes);
    const dem = DecryptionErrorMessage.forOriginal((first as Wire).bytes, 3, TS, 3);
    expect(dem.ratchetKey?.bytes).toEqual(prekey.message.ratchetKey);
    expect(dem.ratchetKey?.serialize()).not.toEqual(prekey.baseKey);
  });
});

describe('each side reads the other', () => {
  const key = S.PrivateKey.generate().getPublicKey();

  it('libsignal reads tacet DecryptionErrorMessage and PlaintextContent', () => {
    const ours = DecryptionErrorMessage.create(PublicKey.deserialize(u8(key.serialize())), TS, 9);
    const theirs = S.DecryptionErrorMessage.deserialize(buf(ours.serialize()));
    expect([theirs.timestamp(), theirs.deviceId()]).toEqual([TS, 9]);
    expect(u8(theirs.ratchetKey()?.serialize() ?? new Uint8Array())).toEqual(u8(key.serialize()));
    const pc = S.PlaintextContent.deserialize(buf(PlaintextContent.from(ours).serialize()));
    expect(u8(S.DecryptionErrorMessage.extractFromSerializedBody(pc.body()).serialize())).toEqual(
      ours.serialize(),
    );
    const none = S.DecryptionErrorMessage.deserialize(
      buf(DecryptionErrorMessage.create(undefined, TS, 1).serialize()),
    );
    expect(none.ratchetKey()).toBeUndefined();
  });

  it('tacet reads libsignal DecryptionErrorMessage and PlaintextContent', async () => {
    const [first] = await originals((PAIRINGS[0] as (typeof PAIRINGS)[number])[1]);
    const theirs = S.DecryptionErrorMessage.forOriginal(buf((first as Wire).bytes), 3, TS, 4);
    const ours = DecryptionErrorMessage.deserialize(u8(theirs.serialize()));
    expect([ours.timestamp, ours.deviceId]).toEqual([TS, 4]);
    expect(ours.ratchetKey?.serialize()).toEqual(u8(theirs.ratchetKey()?.serialize() ?? new Uint8Array()));
    const pc = S.PlaintextContent.from(theirs);
    const parsed = PlaintextContent.deserialize(u8(pc.serialize()));
    expect(parsed.serialize()).toEqual(u8(pc.serialize()));
    expect(parsed.body()).toEqual(u8(pc.body()));
    expect(extractDecryptionErrorMessage(u8(pc.body())).serialize()).toEqual(u8(theirs.serialize()));
    const sk = S.DecryptionErrorMessage.forOriginal(Buffer.alloc(0), 7, TS, 2);
    expect(DecryptionErrorMessage.deserialize(u8(sk.serialize())).ratchetKey).toBeUndefined();
  });
});

describe('sealed as content type 8', () => {
  /** tacet (alice) and libsignal (bob) with a session, so each knows the other's identity key. */
  async function setup() {
    const server = makeServer();
    const tacet = createTacetParty(ALICE_UUID, 1);
    const lib = new LibsignalParty(BOB_UUID, 1);
    const libAddress = new ProtocolAddress(BOB_UUID, 1);
    await processPreKeyBundle(toTacetBundle(await lib.bundle()), libAddress, tacet.stores, NOW);
    const libIdentity = PublicKey.deserialize(u8(lib.identity.publicKey.serialize()));
    await lib.identities.saveIdentity(
      S.ProtocolAddress.new(ALICE_UUID, 1),
      S.PublicKey.deserialize(buf(tacet.identity.publicKey.serialize())),
    );
    const tacetCert = makeSenderCertificate(server, tacet.identity.publicKey, { expiration: NOW + DAY });
    const libCert = makeSenderCertificate(server, libIdentity, { uuid: BOB_UUID, expiration: NOW + DAY });
    return { tacet, lib, libAddress, tacetCert, libCert };
  }

  it('tacet seals a PlaintextContent, libsignal opens it and reads the error', async () => {
    const x = await setup();
    const dem = DecryptionErrorMessage.create(undefined, TS, 1);
    const usmc = UnidentifiedSenderMessageContent.create(
      PlaintextContent.from(dem),
      x.tacetCert,
      ContentHint.Default,
      null,
    );
    const sealed = await sealedSenderEncrypt(usmc, x.libAddress, x.tacet.stores.identities);
    const opened = await S.sealedSenderDecryptToUsmc(buf(sealed), x.lib.identities);
    expect(opened.msgType()).toBe(S.CiphertextMessageType.Plaintext);
    const pc = S.PlaintextContent.deserialize(opened.contents());
    expect(u8(S.DecryptionErrorMessage.extractFromSerializedBody(pc.body()).serialize())).toEqual(
      dem.serialize(),
    );
  });

  it('libsignal seals a PlaintextContent, tacet opens it and reads the error', async () => {
    const x = await setup();
    const dem = S.DecryptionErrorMessage.forOriginal(Buffer.alloc(0), 7, TS, 5);
    const pc = S.PlaintextContent.from(dem);
    const usmc = S.UnidentifiedSenderMessageContent.new(
      S.CiphertextMessage.from(pc),
      S.SenderCertificate.deserialize(buf(x.libCert.serialize())),
      ContentHint.Default,
      null,
    );
    const sealed = await S.sealedSenderEncrypt(usmc, S.ProtocolAddress.new(ALICE_UUID, 1), x.lib.identities);
    const opened = await sealedSenderDecryptToUsmc(u8(sealed), x.tacet.stores.identities);
    expect(opened.msgType).toBe(8);
    const got = PlaintextContent.deserialize(opened.contents).decryptionErrorMessage();
    expect([got.timestamp, got.deviceId, got.ratchetKey]).toEqual([TS, 5, undefined]);
  });
});
