/**
 * XEdDSA interop with @signalapp/libsignal-client 0.72.1, both directions and
 * both backends: 200 random keys and messages each way, and a single-bit
 * tamper of every signature rejected by both sides (docs/protocol.md §2).
 */
import * as S from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { backends } from '../kat/crypto-backends.js';
import { buf, u8 } from '../support/libsignal-group-stores.js';

function flipRandomBit(sig: Uint8Array, rnd: (n: number) => Uint8Array): Uint8Array {
  const t = sig.slice();
  const bit = (((rnd(2)[0] as number) << 8) | (rnd(2)[1] as number)) % 512;
  t[bit >> 3] = (t[bit >> 3] as number) ^ (1 << (bit & 7));
  return t;
}

describe.each(backends)('XEdDSA interop with libsignal ($name)', (p) => {
  it('libsignal verifies 200 tacet signatures and rejects each one with a flipped bit', () => {
    let signBitSet = 0;
    for (let i = 0; i < 200; i++) {
      const { privateKey, publicKey } = p.x25519Generate();
      const message = p.randomBytes(i % 97);
      const sig = p.xeddsaSign(privateKey, message, p.randomBytes(64));
      const theirs = S.PublicKey.deserialize(Buffer.concat([Buffer.of(5), buf(publicKey)]));
      expect(theirs.verify(buf(message), buf(sig))).toBe(true);
      expect(theirs.verify(buf(message), buf(flipRandomBit(sig, p.randomBytes)))).toBe(false);
      signBitSet += (sig[63] as number) >> 7;
    }
    // libsignal keeps A's real sign bit: about half the signatures carry it.
    expect(signBitSet).toBeGreaterThan(50);
    expect(signBitSet).toBeLessThan(150);
  });

  it('tacet verifies 200 libsignal signatures and rejects each one with a flipped bit', () => {
    for (let i = 0; i < 200; i++) {
      const key = S.PrivateKey.generate();
      const message = p.randomBytes(i % 97);
      const sig = u8(key.sign(buf(message)));
      const pub = u8(key.getPublicKey().getPublicKeyBytes());
      expect(p.xeddsaVerify(pub, message, sig)).toBe(true);
      expect(p.xeddsaVerify(pub, message, flipRandomBit(sig, p.randomBytes))).toBe(false);
    }
  });

  it('signatures by libsignal-serialized private keys match libsignal public keys', () => {
    for (let i = 0; i < 20; i++) {
      const key = S.PrivateKey.generate();
      const message = p.randomBytes(32);
      const sig = p.xeddsaSign(u8(key.serialize()), message, p.randomBytes(64));
      expect(key.getPublicKey().verify(buf(message), buf(sig))).toBe(true);
    }
  });
});
