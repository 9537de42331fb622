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

  it('sealed sender v1 envelope: nothing but the genuine bytes opens', () => {
    const genuine = new Set(envelopes.map((e) => e.join()));
    fc.assert(
      fc.property(fuzzInput(envelopes, [0x11, 0x01, 0x22]), (bytes) => {
        const accepted = onlyProtocolErrors(() => openToUsmc(bytes, bob));
        // the version byte's low nibble is not authenticated (spec §5.1), so compare from byte 1
        if (accepted)
          expect(
            [...genuine].some((g) => g.split(',').slice(1).join() === [...bytes.subarray(1)].join()),
          ).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
