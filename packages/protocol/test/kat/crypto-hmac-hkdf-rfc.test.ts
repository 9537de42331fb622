/**
 * HMAC-SHA256 and HKDF-SHA256 against their RFCs' own vectors, on every
 * backend: RFC 4231 §4 (test cases 1, 2, 4, 6, 7; 6 and 7 use a 131-byte key,
 * which is hashed first) and RFC 5869 appendix A.1–A.3 (with salt, long
 * inputs over several blocks, no salt and empty info). The one-shot HMAC
 * construction (crypto/hmac-oneshot.node.ts) and HKDF with set-up HMAC
 * keys (crypto/hkdf-keyed.ts) are run on every Node, also where the backend
 * does not pick them.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/crypto/bytes.js';
import { hkdfSha256Keyed } from '../../src/crypto/hkdf-keyed.js';
import { oneShotHmacSha256 } from '../../src/crypto/hmac-oneshot.node.js';
import { nobleBackend } from '../../src/crypto/noble-backend.js';
import { backends } from './crypto-backends.js';

const ascii = (s: string) => new TextEncoder().encode(s);
const range = (from: number, to: number) => Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

const hmacCases = [
  {
    key: new Uint8Array(20).fill(0x0b),
    data: ascii('Hi There'),
    mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
  },
  {
    key: ascii('Jefe'),
    data: ascii('what do ya want for nothing?'),
    mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  },
  {
    key: range(0x01, 0x19),
    data: new Uint8Array(50).fill(0xcd),
    mac: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
  },
  {
    key: new Uint8Array(131).fill(0xaa),
    data: ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
    mac: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  },
  {
    key: new Uint8Array(131).fill(0xaa),
    data: ascii(
      'This is a test using a larger than block-size key and a larger than block-size data. ' +
        'The key needs to be hashed before being used by the HMAC algorithm.',
    ),
    mac: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  },
];

const hkdfCases = [
  {
    ikm: new Uint8Array(22).fill(0x0b),
    salt: range(0x00, 0x0c),
    info: range(0xf0, 0xf9),
    okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
  },
  {
    ikm: range(0x00, 0x4f),
    salt: range(0x60, 0xaf),
    info: range(0xb0, 0xff),
    okm:
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09' +
      'da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87',
  },
  {
    ikm: new Uint8Array(22).fill(0x0b),
    salt: undefined,
    info: new Uint8Array(0),
    okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
  },
];

describe.each(backends)('HMAC and HKDF RFC vectors ($name)', (p) => {
  it('HMAC-SHA256: RFC 4231 test cases 1, 2, 4, 6 and 7', () => {
    for (const c of hmacCases) expect(toHex(p.hmacSha256(c.key, c.data))).toBe(c.mac);
  });

  it('HKDF-SHA256: RFC 5869 A.1–A.3, and every prefix length of A.2', () => {
    for (const c of hkdfCases) {
      expect(toHex(p.hkdfSha256(c.ikm, c.salt, c.info, c.okm.length / 2))).toBe(c.okm);
    }
    const full = fromHex(hkdfCases[1]?.okm as string);
    const c = hkdfCases[1] as (typeof hkdfCases)[number];
    for (let n = 0; n <= full.length; n += 7)
      expect(p.hkdfSha256(c.ikm, c.salt, c.info, n)).toEqual(full.subarray(0, n));
  });

  it('HKDF refuses a length beyond 255 blocks', () => {
    expect(() => p.hkdfSha256(new Uint8Array(32), undefined, new Uint8Array(0), 255 * 32 + 1)).toThrow();
  });
});

describe('one-shot HMAC construction (node:crypto hash)', () => {
  const hmac = oneShotHmacSha256;
  it('exists on every supported Node (20.12+)', () => expect(hmac).toBeTypeOf('function'));

  it('RFC 4231 vectors, and equal to noble for keys and data of every length up to 3 blocks', () => {
    if (hmac === undefined) throw new Error('no crypto.hash');
    for (const c of hmacCases) expect(toHex(hmac(c.key, c.data))).toBe(c.mac);
    for (let n = 0; n < 200; n += 3) {
      const key = nobleBackend.randomBytes(n);
      const data = nobleBackend.randomBytes(200 - n);
      expect(hmac(key, data)).toEqual(nobleBackend.hmacSha256(key, data));
    }
  });
});

describe('HKDF with set-up HMAC keys (crypto/hkdf-keyed.ts)', () => {
  const hkdf = hkdfSha256Keyed;

  it('RFC 5869 A.1–A.3, every prefix length of A.2, and equal to noble across lengths and salts', () => {
    for (const c of hkdfCases) expect(toHex(hkdf(c.ikm, c.salt, c.info, c.okm.length / 2))).toBe(c.okm);
    const c = hkdfCases[1] as (typeof hkdfCases)[number];
    const full = fromHex(c.okm);
    for (let n = 0; n <= full.length; n++)
      expect(hkdf(c.ikm, c.salt, c.info, n)).toEqual(full.subarray(0, n));
    for (const length of [32, 64, 80, 96, 100]) {
      const ikm = nobleBackend.randomBytes(32);
      const info = nobleBackend.randomBytes(length % 40);
      for (const salt of [undefined, nobleBackend.randomBytes(32), nobleBackend.randomBytes(70)])
        expect(hkdf(ikm, salt, info, length)).toEqual(nobleBackend.hkdfSha256(ikm, salt, info, length));
    }
  });

  it('takes the shortcut only for the all-zero salt: salts one bit from zero, of other lengths, and long ikm and info', () => {
    // The zero salt's key is set up once; a salt differing in one bit, or all-zero but of
    // another length (a different HMAC key only when longer than a block), must not use it.
    const ikm = nobleBackend.randomBytes(32);
    const info = nobleBackend.randomBytes(35);
    const salts: (Uint8Array | undefined)[] = [
      undefined,
      new Uint8Array(32),
      new Uint8Array(31),
      new Uint8Array(65),
    ];
    for (let bit = 0; bit < 256; bit += 37) {
      const salt = new Uint8Array(32);
      salt[bit >> 3] = 1 << (bit & 7);
      salts.push(salt);
    }
    for (const salt of salts)
      expect(hkdf(ikm, salt, info, 64)).toEqual(nobleBackend.hkdfSha256(ikm, salt, info, 64));
    // Inputs of several blocks, and calls in a row (the scratch states are reused and wiped).
    const longIkm = nobleBackend.randomBytes(200);
    const longInfo = nobleBackend.randomBytes(150);
    for (let i = 0; i < 3; i++)
      expect(hkdf(longIkm, ikm, longInfo, 200)).toEqual(nobleBackend.hkdfSha256(longIkm, ikm, longInfo, 200));
  });

  it('leaves its arguments unchanged', () => {
    const ikm = nobleBackend.randomBytes(32);
    const salt = nobleBackend.randomBytes(80);
    const info = nobleBackend.randomBytes(20);
    const copies = [ikm.slice(), salt.slice(), info.slice()];
    hkdf(ikm, salt, info, 96);
    expect([ikm, salt, info]).toEqual(copies);
  });

  it('refuses a length beyond 255 blocks', () => {
    expect(() => hkdf(new Uint8Array(32), undefined, new Uint8Array(0), 255 * 32 + 1)).toThrow(RangeError);
  });
});
