/**
 * Fuzzing every sealed-sender decoder with 10 000 random and mutated inputs
 * each (fast-check, explicit numRuns): certificates, USMC and the v1
 * envelope. Only ProtocolError may escape, and no mutated envelope opens.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdentityKeyPair } from '../../src/keys/index.js';
import {
  openToUsmc,
  SenderCertificate,
  ServerCertificate,
  sealedSenderEncryptV1,
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
});
