/**
 * Fuzzing every sealed-sender decoder with 10 000 random and mutated inputs
 * each (fast-check, explicit numRuns): certificates, USMC and the v1
 * envelope. Only ProtocolError may escape, and no mutated envelope opens.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdentityKeyPair } from '../../src/keys/index.js';
import {
  encodeSealedSenderV2Sent,
  openToUsmc,
  parseSealedSenderMultiRecipientMessage,
  SenderCertificate,
  ServerCertificate,
  sealedSenderEncryptV1,
  sealedSenderV2Encrypt,
  UnidentifiedSenderMessageContent,
} from '../../src/sealed-sender/index.js';
import { fuzzInput, onlyProtocolErrors } from '../support/fuzz-inputs.js';
import { makeSenderCertificate, makeServer } from '../support/sealed-sender-fixtures.js';

const RUNS = 10_000;
const s = makeServer();
const alice = IdentityKeyPair.generate();
const bob = IdentityKeyPair.generate();
const certs = [
  makeSenderCertificate(s, alice.publicKey),
  makeSenderCertificate(s, alice.publicKey, { e164: null }),
];
const usmcs = [
  UnidentifiedSenderMessageContent.create(
    { type: () => 7, serialize: () => new Uint8Array(40) },
    certs[0] as SenderCertificate,
    1,
    new Uint8Array(16),
  ),
  UnidentifiedSenderMessageContent.create(
    { type: () => 3, serialize: () => new Uint8Array(3) },
    certs[1] as SenderCertificate,
    0,
    null,
  ),
];
const envelopes = usmcs.map((u) => sealedSenderEncryptV1(u.serialize(), bob.publicKey, alice));
const BOB = '0b6e1b0e-3c4f-4b5a-9a6d-2f1e8c7d6b5a';
const v2Sent = usmcs.map((u) => {
  const v2 = sealedSenderV2Encrypt(u.serialize(), alice);
  const recipients = [
    {
      serviceId: BOB,
      devices: [
        { deviceId: 1, registrationId: 77 },
        { deviceId: 2, registrationId: 0x3fff },
      ],
      ...v2.keysFor(bob.publicKey),
    },
    {
      serviceId: 'PNI:5f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e',
      devices: [{ deviceId: 127, registrationId: 1 }],
      ...v2.keysFor(alice.publicKey),
    },
  ];
  return encodeSealedSenderV2Sent(
    recipients,
    ['7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d'],
    v2.ephemeralPublic,
    v2.payload,
  );
});
const v2Received = v2Sent.map((b) => parseSealedSenderMultiRecipientMessage(b).messageForRecipient(BOB));

describe('sealed-sender decoders under fuzzing', () => {
  it('ServerCertificate.deserialize', () => {
    fc.assert(
      fc.property(fuzzInput([s.server.serialize()]), (bytes) => {
        onlyProtocolErrors(() => ServerCertificate.deserialize(bytes).validate(s.trustRoot.publicKey));
      }),
      { numRuns: RUNS },
    );
  });

  it('SenderCertificate.deserialize', () => {
    fc.assert(
      fc.property(fuzzInput(certs.map((c) => c.serialize())), (bytes) => {
        onlyProtocolErrors(() => SenderCertificate.deserialize(bytes));
      }),
      { numRuns: RUNS },
    );
  });

  it('UnidentifiedSenderMessageContent.deserialize', () => {
    fc.assert(
      fc.property(fuzzInput(usmcs.map((u) => u.serialize())), (bytes) => {
        onlyProtocolErrors(() => UnidentifiedSenderMessageContent.deserialize(bytes));
      }),
      { numRuns: RUNS },
    );
  });

  it('sealed sender v1 envelope: no mutation alters what opens', () => {
    // The envelope itself is not authenticated as a whole (neither in libsignal):
    // the version byte's low nibble and unknown protobuf fields are ignored. What
    // must hold is that the sealed content and sender key cannot be changed.
    const genuine = new Set(usmcs.map((u) => u.serialize().join()));
    fc.assert(
      fc.property(fuzzInput(envelopes, [0x11, 0x01, 0x22]), (bytes) => {
        let opened: UnidentifiedSenderMessageContent | undefined;
        onlyProtocolErrors(() => {
          opened = openToUsmc(bytes, bob);
        });
        if (opened !== undefined) {
          expect(genuine.has(opened.serialize().join())).toBe(true);
          expect(opened.senderCertificate.identityKey.equals(alice.publicKey)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('sealed sender v2 sent-format parser', () => {
    fc.assert(
      fc.property(fuzzInput(v2Sent, [0x23, 0x22]), (bytes) => {
        onlyProtocolErrors(() => {
          const parsed = parseSealedSenderMultiRecipientMessage(bytes);
          for (const serviceId of parsed.recipients.keys()) parsed.messageForRecipient(serviceId);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('sealed sender v2 received format: no mutation alters what opens', () => {
    const genuine = new Set(usmcs.map((u) => u.serialize().join()));
    fc.assert(
      fc.property(fuzzInput(v2Received, [0x22]), (bytes) => {
        let opened: UnidentifiedSenderMessageContent | undefined;
        onlyProtocolErrors(() => {
          opened = openToUsmc(bytes, bob);
        });
        if (opened !== undefined) expect(genuine.has(opened.serialize().join())).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
