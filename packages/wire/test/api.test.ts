import { describe, expect, it } from 'vitest';
import {
  IdentityKeyResponseSchema,
  KeysUploadRequest,
  parseJson,
  RegisterRequest,
  toBase64Url,
  WireError,
} from '../src/index.js';

const ec = () => toBase64Url(new Uint8Array([5, ...new Uint8Array(32).fill(1)]));
const kem = () => toBase64Url(new Uint8Array([8, ...new Uint8Array(1568).fill(2)]));
const sig = () => toBase64Url(new Uint8Array(64));

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(WireError);
    return `${(e as WireError).code} ${(e as WireError).path}`;
  }
}

describe('JSON API schemas', () => {
  it('parses a registration and refuses extra fields, wrong types and out-of-range ids', () => {
    const good = { pow: { challenge: 'abc', nonce: 5 }, registrationId: 7 };
    expect(parseJson(JSON.stringify(good), RegisterRequest)).toEqual(good);
    expect(codeOf(() => RegisterRequest({ ...good, email: 'x' }, ''))).toBe('bad_request email');
    expect(codeOf(() => RegisterRequest({ ...good, registrationId: 16381 }, ''))).toBe(
      'bad_request registrationId',
    );
    expect(codeOf(() => RegisterRequest({ ...good, pow: { challenge: 'abc', nonce: -1 } }, ''))).toBe(
      'bad_request pow.nonce',
    );
    expect(codeOf(() => parseJson('[', RegisterRequest))).toBe('bad_request ');
  });

  it('decodes key uploads to bytes and names the bad key', () => {
    const upload = {
      identityKey: ec(),
      signedPreKey: { keyId: 1, publicKey: ec(), signature: sig() },
      pqPreKeys: [{ keyId: 2, publicKey: kem(), signature: sig() }],
    };
    const parsed = KeysUploadRequest(upload, '');
    expect(parsed.identityKey).toHaveLength(33);
    expect(parsed.pqPreKeys?.[0]?.publicKey).toHaveLength(1569);
    expect(codeOf(() => KeysUploadRequest({ ...upload, identityKey: kem() }, ''))).toBe(
      'invalid_key identityKey',
    );
    expect(
      codeOf(() =>
        KeysUploadRequest({ ...upload, pqPreKeys: [{ keyId: 2, publicKey: ec(), signature: sig() }] }, ''),
      ),
    ).toBe('invalid_key pqPreKeys[0].publicKey');
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ keyId: i, publicKey: ec() }));
    expect(codeOf(() => KeysUploadRequest({ ...upload, preKeys: tooMany }, ''))).toBe('bad_request preKeys');
    expect(
      codeOf(() =>
        KeysUploadRequest({ ...upload, signedPreKey: { keyId: 1, publicKey: ec(), signature: 'AA' } }, ''),
      ),
    ).toBe('bad_request signedPreKey.signature');
  });

  it('parses an identity-key answer and refuses anything but one EC key', () => {
    expect(IdentityKeyResponseSchema({ identityKey: ec() }, '').identityKey).toHaveLength(33);
    expect(codeOf(() => IdentityKeyResponseSchema({ identityKey: kem() }, ''))).toBe(
      'invalid_key identityKey',
    );
    expect(codeOf(() => IdentityKeyResponseSchema({}, ''))).toBe('invalid_key identityKey');
    expect(codeOf(() => IdentityKeyResponseSchema({ identityKey: ec(), devices: [] }, ''))).toBe(
      'bad_request devices',
    );
  });
});
