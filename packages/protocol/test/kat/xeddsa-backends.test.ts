/**
 * The native XEdDSA verifier must answer exactly as the noble implementation
 * of docs/protocol.md §2 on the edge cases where OpenSSL's Ed25519
 * and libsignal could part ways: low-order and non-canonical public keys,
 * both sign bits, small-order R values, and s at and around L and 2^253.
 */
import { ED25519_TORSION_SUBGROUP, ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../src/crypto/bytes.js';
import { nobleBackend } from '../../src/crypto/noble-backend.js';
import { nodeBackend } from '../../src/crypto/node-backend.node.js';
import { bytesToNumberLE, ED25519_L, ED25519_P, numberToBytesLE } from '../../src/crypto/xeddsa.js';

const Fp = ed25519.Point.Fp;
const message = new TextEncoder().encode('edge');
const torsionR = ED25519_TORSION_SUBGROUP.map(fromHex);

/** u = (1 + y) / (1 − y) for each torsion point except the identity. */
const torsionU = torsionR
  .map((enc) => {
    const y = bytesToNumberLE(enc) & ((1n << 255n) - 1n);
    return y === 1n ? undefined : Fp.mul(Fp.add(1n, y), Fp.inv(Fp.sub(1n, y)));
  })
  .filter((u): u is bigint => u !== undefined);

const specialU = [...new Set([0n, 1n, ED25519_P - 1n, ED25519_P, ED25519_P + 1n, ...torsionU])];
const keys = [
  ...specialU.map((u) => numberToBytesLE(u, 32)),
  ...Array.from({ length: 2 }, () => nobleBackend.x25519Generate().publicKey),
  ...Array.from({ length: 2 }, () => nobleBackend.randomBytes(32)),
];
const scalars = [0n, 1n, ED25519_L - 1n, ED25519_L, (1n << 253n) - 1n];

function signature(r: Uint8Array, s: bigint, sign: number): Uint8Array {
  const sig = new Uint8Array(64);
  sig.set(r, 0);
  sig.set(numberToBytesLE(s, 32), 32);
  sig[63] = (sig[63] as number) | (sign << 7);
  return sig;
}

describe('XEdDSA verify: node:crypto agrees with the §2 reference on edge cases', () => {
  it('crafted signatures over low-order, non-canonical and random keys', () => {
    let accepted = 0;
    let checked = 0;
    for (const key of keys) {
      for (const sign of [0, 1]) {
        for (const r of [...torsionR, nobleBackend.randomBytes(32)]) {
          for (const s of scalars) {
            const sig = signature(r, s, sign);
            const expected = nobleBackend.xeddsaVerify(key, message, sig);
            expect(nodeBackend.xeddsaVerify(key, message, sig)).toBe(expected);
            if (expected) accepted++;
            checked++;
          }
        }
      }
    }
    // Low-order keys admit forgeries with s ≡ 0: the sweep must reach accepting cases.
    expect(accepted).toBeGreaterThan(0);
    expect(checked).toBe(keys.length * 2 * 9 * scalars.length);
  });

  it('honest signatures with s, s + L and the flipped sign bit', () => {
    for (let i = 0; i < 20; i++) {
      const { privateKey, publicKey } = nobleBackend.x25519Generate();
      const sig = nodeBackend.xeddsaSign(privateKey, message, nodeBackend.randomBytes(64));
      const s = bytesToNumberLE(sig.subarray(32)) & ((1n << 255n) - 1n);
      const sign = (sig[63] as number) >> 7;
      const variants = [
        sig,
        signature(sig.subarray(0, 32), s + ED25519_L, sign),
        signature(sig.subarray(0, 32), s, 1 - sign),
      ];
      const answers = variants.map((v) => nodeBackend.xeddsaVerify(publicKey, message, v));
      expect(answers).toEqual(variants.map((v) => nobleBackend.xeddsaVerify(publicKey, message, v)));
      expect(answers).toEqual([true, s + ED25519_L < 1n << 253n, false]);
    }
  });
});

describe('XEdDSA verify: a small-order R under an ordinary key', () => {
  // OpenSSL 3.5 (Node 24) refuses a small-order R (or A) in Ed25519 verify;
  // libsignal, OpenSSL 3.0 and §2 compare sB − hA with R and accept.
  it('R = identity with s = h·a verifies on both backends', () => {
    const Point = ed25519.Point;
    let a = 0x1234_5678_9abc_def0n;
    if (((Point.BASE.multiply(a).toBytes()[31] as number) & 0x80) !== 0) a = ED25519_L - a;
    const aPoint = Point.BASE.multiply(a);
    const y = aPoint.toAffine().y;
    const u = numberToBytesLE(Fp.mul(Fp.add(1n, y), Fp.inv(Fp.sub(1n, y))), 32);
    const r = Point.ZERO.toBytes();
    const h = bytesToNumberLE(sha512(Uint8Array.from([...r, ...aPoint.toBytes(), ...message]))) % ED25519_L;
    const sig = signature(r, (h * a) % ED25519_L, 0);
    expect(nobleBackend.xeddsaVerify(u, message, sig)).toBe(true);
    expect(nodeBackend.xeddsaVerify(u, message, sig)).toBe(true);
  });
});

describe('XEdDSA sign: both backends sign an unclamped key as its clamped form', () => {
  it('the signature verifies under the public key of the clamped scalar', () => {
    const raw = new Uint8Array(32).fill(0xff);
    const pub = nobleBackend.x25519PublicKey(raw);
    for (const p of [nobleBackend, nodeBackend]) {
      const sig = p.xeddsaSign(raw, message, p.randomBytes(64));
      expect(nobleBackend.xeddsaVerify(pub, message, sig)).toBe(true);
    }
  });
});
