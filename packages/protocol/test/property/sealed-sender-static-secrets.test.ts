/**
 * The static–static agreement cache (static-secrets.ts): envelopes sealed or
 * opened with it are the very envelopes of the uncached path (each opens the
 * other's), every pair of identity keys gets its own secret, and a cached
 * secret never lets an envelope open for anyone but its recipient.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { IdentityKeyPair } from '../../src/keys/index.js';
import {
  openToUsmc,
  StaticSecrets,
  sealedSenderDecryptV1,
  sealedSenderEncryptV1,
  UnidentifiedSenderMessageContent,
} from '../../src/sealed-sender/index.js';
import { makeSenderCertificate, makeServer } from '../support/sealed-sender-fixtures.js';

const s = makeServer();
const alice = IdentityKeyPair.generate();
const carol = IdentityKeyPair.generate();
const bob = IdentityKeyPair.generate();
const content = (bytes: Uint8Array) => ({ type: () => 2, serialize: () => bytes });
const usmcFrom = (who: IdentityKeyPair, body: Uint8Array) =>
  UnidentifiedSenderMessageContent.create(content(body), makeSenderCertificate(s, who.publicKey), 1, null);

describe('sealed sender static secrets', () => {
  it('seals and opens exactly as the uncached path does, in both directions', () => {
    const sending = new StaticSecrets();
    const receiving = new StaticSecrets();
    for (let n = 0; n < 3; n++) {
      const body = new Uint8Array([n, 1, 2]);
      const cachedEnvelope = sealedSenderEncryptV1(
        usmcFrom(alice, body).serialize(),
        bob.publicKey,
        alice,
        sending,
      );
      expect(openToUsmc(cachedEnvelope, bob).contents).toEqual(body);
      const plainEnvelope = sealedSenderEncryptV1(usmcFrom(alice, body).serialize(), bob.publicKey, alice);
      expect(openToUsmc(plainEnvelope, bob, receiving).contents).toEqual(body);
    }
  });

  it('keeps one secret per pair of keys: a second sender is not opened with the first one', () => {
    const secrets = new StaticSecrets();
    const fromAlice = sealedSenderEncryptV1(
      usmcFrom(alice, new Uint8Array([1])).serialize(),
      bob.publicKey,
      alice,
    );
    const fromCarol = sealedSenderEncryptV1(
      usmcFrom(carol, new Uint8Array([2])).serialize(),
      bob.publicKey,
      carol,
    );
    expect(sealedSenderDecryptV1(fromAlice, bob, secrets).senderIdentityKey.equals(alice.publicKey)).toBe(
      true,
    );
    const opened = sealedSenderDecryptV1(fromCarol, bob, secrets);
    expect(opened.senderIdentityKey.equals(carol.publicKey)).toBe(true);
    expect(openToUsmc(fromCarol, bob, secrets).contents).toEqual(new Uint8Array([2]));
  });

  it('does not open an envelope for someone else, even with secrets cached for the sender', () => {
    const secrets = new StaticSecrets();
    const toBob = sealedSenderEncryptV1(
      usmcFrom(alice, new Uint8Array([3])).serialize(),
      bob.publicKey,
      alice,
    );
    const toCarol = sealedSenderEncryptV1(
      usmcFrom(alice, new Uint8Array([4])).serialize(),
      carol.publicKey,
      alice,
    );
    openToUsmc(toBob, bob, secrets);
    expect(() => openToUsmc(toCarol, bob, secrets)).toThrow(ProtocolError);
    secrets.wipe();
    expect(openToUsmc(toBob, bob, secrets).contents).toEqual(new Uint8Array([3]));
  });
});
