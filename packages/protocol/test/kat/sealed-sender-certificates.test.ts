/**
 * Certificate layouts and validation rules (docs/protocol.md §8.1): inner fields in tag
 * order, expires as fixed64, validation = trust root ∧ server signature ∧
 * not expired ∧ key id not revoked.
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/crypto/index.js';
import { ProtocolError } from '../../src/errors.js';
import { IdentityKeyPair, KeyPair } from '../../src/keys/index.js';
import { SenderCertificate, ServerCertificate } from '../../src/sealed-sender/index.js';
import {
  ALICE_UUID,
  DAY,
  makeSenderCertificate,
  makeServer,
  NOW,
} from '../support/sealed-sender-fixtures.js';

describe('ServerCertificate', () => {
  it('encodes {1 id, 2 key} signed by the trust root', () => {
    const s = makeServer(0x1234);
    expect(toHex(s.server.certificate)).toBe(`08b4241221${toHex(s.serverKey.publicKey.serialize())}`);
    expect(s.trustRoot.publicKey.verifySignature(s.server.certificate, s.server.signature)).toBe(true);
    const parsed = ServerCertificate.deserialize(s.server.serialize());
    expect(parsed.keyId).toBe(0x1234);
    expect(parsed.key.equals(s.serverKey.publicKey)).toBe(true);
    expect(parsed.validate(s.trustRoot.publicKey)).toBe(true);
    expect(parsed.validate(KeyPair.generate().publicKey)).toBe(false);
  });

  it('treats the revoked test key id 0xDEADC357 as invalid even when correctly signed', () => {
    const s = makeServer(0xdeadc357);
    expect(s.server.validate(s.trustRoot.publicKey)).toBe(false);
  });
});

describe('SenderCertificate', () => {
  const s = makeServer();
  const identity = IdentityKeyPair.generate().publicKey;

  it('writes fields 1..6 in tag order with expires as fixed64', () => {
    const cert = makeSenderCertificate(s, identity, { e164: '+1', deviceId: 3, expiration: 0x0102030405 });
    const hex = toHex(cert.certificate);
    const expected = `0a022b31 1003 190504030201000000 2221${toHex(identity.serialize())}`.replaceAll(
      ' ',
      '',
    );
    expect(hex.startsWith(expected)).toBe(true);
    expect(hex.endsWith(`3224${toHex(new TextEncoder().encode(ALICE_UUID))}`)).toBe(true);
  });

  it('is valid up to and including its expiry millisecond', () => {
    const cert = SenderCertificate.deserialize(makeSenderCertificate(s, identity).serialize());
    expect(cert.validate(s.trustRoot.publicKey, NOW + DAY)).toBe(true);
    expect(cert.validate(s.trustRoot.publicKey, NOW + DAY + 1)).toBe(false);
  });

  it('fails validation when any bit of its signature or signed bytes changes', () => {
    const bytes = makeSenderCertificate(s, identity).serialize();
    for (let i = 0; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i] = (bad[i] as number) ^ 0x10;
      try {
        expect(SenderCertificate.deserialize(bad).validate(s.trustRoot.publicKey, NOW)).toBe(false);
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolError);
      }
    }
  });

  it('refuses a certificate signed by another server key', () => {
    const other = makeServer();
    const forged = SenderCertificate.create(
      {
        senderUuid: ALICE_UUID,
        senderE164: null,
        senderDeviceId: 1,
        identityKey: identity,
        expiration: NOW + DAY,
        signer: s.server,
      },
      other.serverKey.privateKey,
    );
    expect(forged.validate(s.trustRoot.publicKey, NOW)).toBe(false);
  });

  it('rejects malformed certificates with InvalidCertificate', () => {
    for (const bytes of [
      new Uint8Array(0),
      Uint8Array.of(0x0a, 0x05, 1, 2),
      Uint8Array.of(0x12, 0x40, ...new Uint8Array(64)),
    ]) {
      expect(() => SenderCertificate.deserialize(bytes)).toThrow(
        expect.objectContaining({ code: 'InvalidCertificate' }),
      );
    }
  });
});
