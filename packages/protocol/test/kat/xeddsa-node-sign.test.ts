/**
 * The node backend's XEdDSA signer (src/crypto/xeddsa-sign.node.ts): its
 * signatures must be accepted by libsignal 0.72.1 and by the noble verifier,
 * carry A's sign bit in bit 511 (§2), be randomized by Z, and fail after any
 * bit flip — across both sign-bit cases.
 */
import * as S from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/noble-backend.js';
import { xeddsaSignNode } from '../../src/crypto/xeddsa-sign.node.js';

const buf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

describe('XEdDSA signing through OpenSSL', () => {
  it('libsignal and the noble verifier accept 200 signatures over random keys and messages', () => {
    const signBits = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const lib = S.PrivateKey.generate();
      const priv = new Uint8Array(lib.serialize());
      const message = nobleBackend.randomBytes(i % 97);
      const sig = xeddsaSignNode(priv, message, nobleBackend.randomBytes(64));
      expect(lib.getPublicKey().verify(buf(message), buf(sig))).toBe(true);
      // the pure-JS verifier is slow: a sample suffices next to libsignal's 200
      if (i % 5 === 0) {
        expect(
          nobleBackend.xeddsaVerify(new Uint8Array(lib.getPublicKey().getPublicKeyBytes()), message, sig),
        ).toBe(true);
      }
      signBits.add((sig[63] as number) >> 7);
    }
    expect(signBits).toEqual(new Set([0, 1]));
  });

  it('gives different signatures for different Z, and none survives a bit flip', () => {
    const { privateKey, publicKey } = nobleBackend.x25519Generate();
    const message = new TextEncoder().encode('tacet');
    const a = xeddsaSignNode(privateKey, message, new Uint8Array(64));
    const b = xeddsaSignNode(privateKey, message, new Uint8Array(64).fill(1));
    expect(a).not.toEqual(b);
    for (let i = 0; i < 512; i += 7) {
      const bad = a.slice();
      bad[i >> 3] = (bad[i >> 3] as number) ^ (1 << (i & 7));
      expect(nobleBackend.xeddsaVerify(publicKey, message, bad)).toBe(false);
    }
  });
});
