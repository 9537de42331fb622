/**
 * Prepared HKDF-SHA256 (`Primitives.prepareHkdfSha256`; crypto/hkdf-prepared.ts
 * and crypto/hkdf-prepared.node.ts): RFC 5869 A.1–A.3 cut to their first 32
 * bytes, and equal to the one-shot `hkdfSha256` for input keys of every
 * length across three blocks (so every padding case), salts of none / 32 /
 * 70 bytes (hashed first), and every output length 1..32, on both
 * backends, also when one prepared object runs inputs of changing lengths.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/crypto/bytes.js';
import { prepareHkdfNoble } from '../../src/crypto/hkdf-prepared.js';
import { nobleBackend } from '../../src/crypto/noble-backend.js';
import { backends } from './crypto-backends.js';

const range = (from: number, to: number) => Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

const rfc = [
  {
    ikm: new Uint8Array(22).fill(0x0b),
    salt: range(0x00, 0x0c),
    info: range(0xf0, 0xf9),
    okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf',
  },
  {
    ikm: range(0x00, 0x4f),
    salt: range(0x60, 0xaf),
    info: range(0xb0, 0xff),
    okm: 'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c',
  },
  {
    ikm: new Uint8Array(22).fill(0x0b),
    salt: undefined,
    info: new Uint8Array(0),
    okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d',
  },
];

const variants = [
  ...backends.map((p) => ({ name: p.name, prepare: p.prepareHkdfSha256 })),
  // The fallback the Node backend takes without crypto.hash, run on every Node.
  { name: 'noble form', prepare: prepareHkdfNoble },
];

describe.each(variants)('prepared HKDF-SHA256 ($name)', ({ prepare }) => {
  it('RFC 5869 A.1–A.3 (first 32 bytes), written at an offset, nothing else touched', () => {
    for (const c of rfc) {
      const out = new Uint8Array(40).fill(0xee);
      prepare(c.salt, c.info).deriveInto(c.ikm, out, 5, 32);
      expect(toHex(out.subarray(5, 37))).toBe(c.okm);
      expect([...out.subarray(0, 5), ...out.subarray(37)].every((b) => b === 0xee)).toBe(true);
    }
  });

  it('equals hkdfSha256 across input, salt and output lengths, one object reused', () => {
    for (const salt of [undefined, nobleBackend.randomBytes(32), nobleBackend.randomBytes(70)]) {
      const info = nobleBackend.randomBytes(27);
      const kdf = prepare(salt, info);
      for (let n = 0; n <= 200; n++) {
        const ikm = nobleBackend.randomBytes(n);
        const length = 1 + (n % 32);
        const out = new Uint8Array(length);
        kdf.deriveInto(ikm, out, 0, length);
        expect(toHex(out)).toBe(toHex(nobleBackend.hkdfSha256(ikm, salt, info, length)));
      }
    }
  });

  it('leaves the caller’s salt, info and input as they were', () => {
    const salt = nobleBackend.randomBytes(32);
    const info = nobleBackend.randomBytes(20);
    const ikm = nobleBackend.randomBytes(98);
    const copies = [salt, info, ikm].map((b) => b.slice());
    prepare(salt, info).deriveInto(ikm, new Uint8Array(32), 0, 32);
    expect([salt, info, ikm]).toEqual(copies);
  });

  it('refuses an output length outside 1..32 or one that does not fit', () => {
    const kdf = prepare(undefined, new Uint8Array(0));
    const ikm = fromHex('00');
    expect(() => kdf.deriveInto(ikm, new Uint8Array(33), 0, 33)).toThrow(RangeError);
    expect(() => kdf.deriveInto(ikm, new Uint8Array(32), 0, 0)).toThrow(RangeError);
    expect(() => kdf.deriveInto(ikm, new Uint8Array(32), 1, 32)).toThrow(RangeError);
    expect(() => kdf.deriveInto(ikm, new Uint8Array(32), -1, 16)).toThrow(RangeError);
  });
});
