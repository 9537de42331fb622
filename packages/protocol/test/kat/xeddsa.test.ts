/**
 * XEdDSA as libsignal computes it (docs/protocol.md §2): the two
 * appendix vectors (libsignal verified both), single-bit tampering, and the
 * edge cases where libsignal differs from textbook Ed25519 (sign bit in bit
 * 511, non-canonical s < 2^253 accepted, u reduced mod p, u = p − 1 refused).
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/crypto/bytes.js';
import { nobleBackend } from '../../src/crypto/noble-backend.js';
import { ED25519_L, ED25519_P, numberToBytesLE } from '../../src/crypto/xeddsa.js';
import { backends } from './crypto-backends.js';

const message = new TextEncoder().encode('tacet xeddsa vector');
const Z = new Uint8Array(64).fill(0x5a);
const clamp = (k: Uint8Array) => {
  const c = k.slice();
  c[0] = (c[0] as number) & 0xf8;
  c[31] = ((c[31] as number) & 0x7f) | 0x40;
  return c;
};

const vectors = [
  {
    name: 'case 1 (sign bit 0)',
    priv: Uint8Array.from({ length: 32 }, (_, i) => 0x40 + i),
    pub: '79a631eede1bf9c98f12032cdeadd0e7a079398fc786b88cc846ec89af85a51a',
    sig: '5f509e89565254ad48867fb83fa951de120e1b7d4f7ef0bb4631203a1de447980c43d8a9e223f863d0eafbbaaa924271dfaeae0910b45bf69ace46fd87f4018e',
  },
  {
    name: 'case 2 (sign bit 1)',
    priv: clamp(new Uint8Array(32).fill(3)),
    pub: '5dfedd3b6bd47f6fa28ee15d969d5bb0ea53774d488bdaf9df1c6e0124b3ef22',
    sig: 'e64e96c904b84818957290f61af0fcbc214cc001a20f9e7ae22d87f4135ba4b387c8c3ab730de6ce26eb0357eb0ac5cbaa4b914174ce02db2083860c7e1c4486',
  },
];

/** Replaces s (bytes 32..64, keeping bit 511) with `s`. */
function withScalar(sig: Uint8Array, s: bigint): Uint8Array {
  const out = sig.slice();
  const sign = (sig[63] as number) & 0x80;
  out.set(numberToBytesLE(s, 32), 32);
  out[63] = ((out[63] as number) & 0x7f) | sign;
  return out;
}

const sOf = (sig: Uint8Array) => {
  const b = sig.slice(32);
  b[31] = (b[31] as number) & 0x7f;
  return b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);
};

describe.each(backends)('XEdDSA ($name)', (p) => {
  it.each(vectors)('$name: public key, deterministic signature and verification', (v) => {
    expect(toHex(p.x25519PublicKey(v.priv))).toBe(v.pub);
    // The vector fixes the nonce; only the noble signer derives it as hash₁ (§2). The
    // node signer picks another valid nonce (xeddsa-sign.node.ts), so check it verifies.
    const sig = p.xeddsaSign(v.priv, message, Z);
    if (p.name === 'noble') expect(toHex(sig)).toBe(v.sig);
    else expect(nobleBackend.xeddsaVerify(fromHex(v.pub), message, sig)).toBe(true);
    expect(p.xeddsaVerify(fromHex(v.pub), message, fromHex(v.sig))).toBe(true);
  });

  it('case 2 carries the Edwards sign bit in bit 511', () => {
    expect((fromHex(vectors[1]?.sig ?? '')[63] as number) >> 7).toBe(1);
  });

  it.each(vectors)('$name: every single-bit flip of the signature is rejected', (v) => {
    const sig = fromHex(v.sig);
    const pub = fromHex(v.pub);
    for (let bit = 0; bit < 512; bit++) {
      const t = sig.slice();
      t[bit >> 3] = (t[bit >> 3] as number) ^ (1 << (bit & 7));
      expect(p.xeddsaVerify(pub, message, t), `bit ${bit}`).toBe(false);
    }
  });

  it('a flipped message bit or a different key is rejected', () => {
    const [a, b] = vectors;
    if (a === undefined || b === undefined) throw new Error('vectors');
    const m = message.slice();
    m[0] = (m[0] as number) ^ 1;
    expect(p.xeddsaVerify(fromHex(a.pub), m, fromHex(a.sig))).toBe(false);
    expect(p.xeddsaVerify(fromHex(b.pub), message, fromHex(a.sig))).toBe(false);
  });

  it('accepts a non-canonical s in [L, 2^253), as libsignal does', () => {
    for (const v of vectors) {
      const sig = fromHex(v.sig);
      const s = sOf(sig);
      const big = withScalar(sig, s + ED25519_L);
      expect(s + ED25519_L < 1n << 253n).toBe(true);
      expect(p.xeddsaVerify(fromHex(v.pub), message, big)).toBe(true);
    }
  });

  it('rejects s ≥ 2^253 even when it is congruent to a valid s', () => {
    const v = vectors[0];
    if (v === undefined) throw new Error('vectors');
    const sig = fromHex(v.sig);
    const s = sOf(sig);
    let k = 2n;
    while (s + k * ED25519_L < 1n << 253n) k++;
    const tooBig = s + k * ED25519_L; // ≥ 2^253, < 2^255
    expect(tooBig < 1n << 255n).toBe(true);
    expect(p.xeddsaVerify(fromHex(v.pub), message, withScalar(sig, tooBig))).toBe(false);
  });

  it('ignores bit 255 of u and reduces u mod p', () => {
    for (const v of vectors) {
      const pub = fromHex(v.pub);
      const high = pub.slice();
      high[31] = (high[31] as number) | 0x80;
      expect(p.xeddsaVerify(high, message, fromHex(v.sig))).toBe(true);
      const u = pub.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);
      if (u + ED25519_P < 1n << 255n) {
        expect(p.xeddsaVerify(numberToBytesLE(u + ED25519_P, 32), message, fromHex(v.sig))).toBe(true);
      }
    }
  });

  it('refuses u = p − 1 and wrong lengths without throwing', () => {
    const sig = fromHex(vectors[0]?.sig ?? '');
    expect(p.xeddsaVerify(numberToBytesLE(ED25519_P - 1n, 32), message, sig)).toBe(false);
    expect(p.xeddsaVerify(fromHex(vectors[0]?.pub ?? ''), message, sig.subarray(0, 63))).toBe(false);
    expect(p.xeddsaVerify(fromHex(vectors[0]?.pub ?? ''), message, new Uint8Array(65))).toBe(false);
    expect(p.xeddsaVerify(new Uint8Array(31), message, sig)).toBe(false);
    expect(p.xeddsaVerify(new Uint8Array(32), message, new Uint8Array(64))).toBe(false);
  });

  it('a non-canonical R encoding never verifies (byte-exact cofactorless check)', () => {
    const v = vectors[0];
    if (v === undefined) throw new Error('vectors');
    const sig = fromHex(v.sig);
    const r = sig.slice(0, 32);
    const y = r.reduceRight((acc, x) => (acc << 8n) | BigInt(x & 0xff), 0n) & ((1n << 255n) - 1n);
    if (y + ED25519_P < 1n << 255n) {
      const alt = sig.slice();
      alt.set(numberToBytesLE(y + ED25519_P, 32), 0);
      alt[31] = (alt[31] as number) | ((r[31] as number) & 0x80);
      expect(p.xeddsaVerify(fromHex(v.pub), message, alt)).toBe(false);
    }
  });

  it('signs and verifies 50 random keys and messages', () => {
    for (let i = 0; i < 50; i++) {
      const { privateKey, publicKey } = p.x25519Generate();
      const msg = p.randomBytes(i * 7);
      const sig = p.xeddsaSign(privateKey, msg, p.randomBytes(64));
      expect(p.xeddsaVerify(publicKey, msg, sig)).toBe(true);
    }
  });
});
