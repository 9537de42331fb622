/**
 * Sealed-sender v1 envelopes (docs/protocol.md §8.3): what is sealed opens only for its
 * recipient, any changed bit is refused, and a certificate cannot be sealed
 * under somebody else's identity key.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { IdentityKeyPair } from '../../src/keys/index.js';
import { SEALED_SENDER_MAX_LENGTH } from '../../src/limits.js';
import {
  openToUsmc,
  sealedSenderDecryptV1,
  sealedSenderEncryptV1,
  UnidentifiedSenderMessageContent,
} from '../../src/sealed-sender/index.js';
import { makeSenderCertificate, makeServer } from '../support/sealed-sender-fixtures.js';

const s = makeServer();
const alice = IdentityKeyPair.generate();
const bob = IdentityKeyPair.generate();
const cert = makeSenderCertificate(s, alice.publicKey);
const content = (bytes: Uint8Array) => ({ type: () => 2, serialize: () => bytes });

describe('sealed sender v1 envelope', () => {
  it('round-trips any USMC to its recipient and reveals the sender key', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.option(fc.uint8Array({ minLength: 1, maxLength: 32 })),
        (body, groupId) => {
          const usmc = UnidentifiedSenderMessageContent.create(content(body), cert, 1, groupId);
          const envelope = sealedSenderEncryptV1(usmc.serialize(), bob.publicKey, alice);
          const opened = sealedSenderDecryptV1(envelope, bob);
          expect(opened.senderIdentityKey.equals(alice.publicKey)).toBe(true);
          const parsed = openToUsmc(envelope, bob);
          expect(parsed.contents).toEqual(body);
          expect(parsed.groupId).toEqual(groupId);
          expect(parsed.msgType).toBe(2);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses every single-bit change of an envelope', () => {
    const usmc = UnidentifiedSenderMessageContent.create(content(new Uint8Array(20)), cert, 0, null);
    const envelope = sealedSenderEncryptV1(usmc.serialize(), bob.publicKey, alice);
    for (let i = 0; i < envelope.length; i++) {
      // the low nibble of the version byte is ignored, as libsignal does (docs/protocol.md §5.1)
      if (i === 0) continue;
      for (let bit = 0; bit < 8; bit += 3) {
        const bad = envelope.slice();
        bad[i] = (bad[i] as number) ^ (1 << bit);
        expect(() => openToUsmc(bad, bob)).toThrow(ProtocolError);
      }
    }
  });

  it('does not open for anyone but the recipient', () => {
    const usmc = UnidentifiedSenderMessageContent.create(content(new Uint8Array(5)), cert, 0, null);
    const envelope = sealedSenderEncryptV1(usmc.serialize(), bob.publicKey, alice);
    expect(() => openToUsmc(envelope, IdentityKeyPair.generate())).toThrow(
      expect.objectContaining({ code: 'InvalidMessage' }),
    );
  });

  it("refuses a certificate sealed under another identity (Mallory replaying Alice's certificate)", () => {
    const mallory = IdentityKeyPair.generate();
    const usmc = UnidentifiedSenderMessageContent.create(content(new Uint8Array(5)), cert, 0, null);
    const envelope = sealedSenderEncryptV1(usmc.serialize(), bob.publicKey, mallory);
    expect(() => openToUsmc(envelope, bob)).toThrow(/does not match/);
  });

  it('maps the PreKey type to the sealed enum value 1 and back (pitfall 7)', () => {
    const usmc = UnidentifiedSenderMessageContent.create(
      { type: () => 3, serialize: () => Uint8Array.of(1) },
      cert,
      0,
      null,
    );
    expect(usmc.serialize().subarray(0, 2)).toEqual(Uint8Array.of(0x08, 0x01));
    expect(UnidentifiedSenderMessageContent.deserialize(usmc.serialize()).msgType).toBe(3);
    expect(() =>
      UnidentifiedSenderMessageContent.create(
        { type: () => 4, serialize: () => new Uint8Array(1) },
        cert,
        0,
        null,
      ),
    ).toThrow(TypeError);
  });

  it('refuses oversized envelopes of either version', () => {
    for (const version of [0x11, 0x22]) {
      const huge = new Uint8Array(SEALED_SENDER_MAX_LENGTH + 1);
      huge[0] = version;
      expect(() => openToUsmc(huge, bob)).toThrow(/too long/);
    }
  });

  it('refuses unknown versions with UnsupportedVersion', () => {
    const usmc = UnidentifiedSenderMessageContent.create(content(new Uint8Array(5)), cert, 0, null);
    const envelope = sealedSenderEncryptV1(usmc.serialize(), bob.publicKey, alice);
    envelope[0] = 0x33;
    expect(() => openToUsmc(envelope, bob)).toThrow(expect.objectContaining({ code: 'UnsupportedVersion' }));
  });
});
