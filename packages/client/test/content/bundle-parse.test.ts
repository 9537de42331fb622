import { IdentityKeyPair, KEMKeyPair, PrivateKey } from '@tacet/protocol';
import { toBase64Url } from '@tacet/wire';
import { describe, expect, it } from 'vitest';
import { ClientError } from '../../src/errors.js';
import { parseBundles } from '../../src/messenger/peer-crypto.js';

const b = toBase64Url;

function validResponse() {
  const id = IdentityKeyPair.generate();
  const spk = PrivateKey.generate().getPublicKey().serialize();
  const kem = KEMKeyPair.generate().publicKey.serialize();
  return {
    identityKey: b(id.publicKey.serialize()),
    devices: [
      {
        deviceId: 1,
        registrationId: 7,
        signedPreKey: { keyId: 1, publicKey: b(spk), signature: b(id.privateKey.sign(spk)) },
        pqPreKey: { keyId: 2, publicKey: b(kem), signature: b(id.privateKey.sign(kem)) },
      },
    ],
  };
}

describe('key bundles from the server (outside input)', () => {
  it('parses a well-formed answer', () => {
    const { bundles } = parseBundles(validResponse());
    expect(bundles[0]?.deviceId).toBe(1);
    expect(bundles[0]?.preKey).toBeUndefined();
  });

  it('rejects malformed answers with a typed error', () => {
    const broken: unknown[] = [
      {},
      { ...validResponse(), identityKey: 'AAAA' },
      { ...validResponse(), devices: [] },
      { ...validResponse(), devices: [{ deviceId: 1 }] },
      { ...validResponse(), devices: Array(9).fill(validResponse().devices[0]) },
      { ...validResponse(), devices: [{ ...validResponse().devices[0], deviceId: 0 }] },
      { ...validResponse(), devices: 'nope' },
    ];
    for (const r of broken) {
      const err = (() => {
        try {
          parseBundles(r as Parameters<typeof parseBundles>[0]);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(ClientError);
      expect((err as ClientError).message).toMatch(/malformed key bundle/);
    }
  });
});
