/**
 * KDF known answers from docs/protocol.md, appendix (values that
 * libsignal's own `hkdf` reproduced), run against every backend.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex } from '../../src/crypto/bytes.js';
import { backends } from './crypto-backends.js';

const ascii = (s: string) => new TextEncoder().encode(s);
const fill = (byte: number, n: number) => new Uint8Array(n).fill(byte);
const chainKey = Uint8Array.from({ length: 32 }, (_, i) => i);

describe.each(backends)('KDF vectors ($name)', (p) => {
  it('ratchet KDF: HKDF(salt=11×32, ikm=22×32, "WhisperRatchet", 64)', () => {
    const out = p.hkdfSha256(fill(0x22, 32), fill(0x11, 32), ascii('WhisperRatchet'), 64);
    expect(toHex(out.subarray(0, 32))).toBe(
      '9daeaa1e8c7e8b788d4bc90ec8c2a5b992b4b505d14e74ca049ddb4f9e8ed91b',
    );
    expect(toHex(out.subarray(32))).toBe('1b31f67b64b589df27b980ffa916bb940f0e47fbc13569bf1fd0622d04725dca');
  });

  it('chain key step: seed = HMAC(CK, 01), next = HMAC(CK, 02)', () => {
    expect(toHex(p.hmacSha256(chainKey, Uint8Array.of(1)))).toBe(
      '9b4c8120a4823a95f47cde17a244f4507244ee6e3957d1fab9fa29b44d3829b7',
    );
    expect(toHex(p.hmacSha256(chainKey, Uint8Array.of(2)))).toBe(
      '4304c22c84a53755ab08ead8d97a8d429be5efa480682d7ad1da27f73e1fbe1d',
    );
  });

  it('message keys: "WhisperMessageKeys" gives cipher ‖ mac ‖ iv', () => {
    const seed = p.hmacSha256(chainKey, Uint8Array.of(1));
    const keys = p.hkdfSha256(seed, undefined, ascii('WhisperMessageKeys'), 80);
    expect(toHex(keys.subarray(0, 32))).toBe(
      '86268814b41f5fd154659f26873660e3dbc8b205155c3b59b8570b015d773c0c',
    );
    expect(toHex(keys.subarray(32, 64))).toBe(
      'dea51fa5beca2618971c4292647b81e83f2b4edd03e0d292a87ec66e0163abdb',
    );
    expect(toHex(keys.subarray(64, 80))).toBe('21cfd5b9956a1631f6b7b5b5bdf7b791');
  });

  it('sender keys: "WhisperGroup" gives iv ‖ key', () => {
    const seed = p.hmacSha256(chainKey, Uint8Array.of(1));
    const keys = p.hkdfSha256(seed, undefined, ascii('WhisperGroup'), 48);
    expect(toHex(keys.subarray(0, 16))).toBe('ed1f5e26325b1399f6a34c76e47ff047');
    expect(toHex(keys.subarray(16))).toBe('d89f10a08215e845ceb4df3fc59c052ad09e01cd499650025ff83df48ed656e6');
  });

  it('PQXDH KDF: ikm = FF×32 ‖ 33×128 with the Kyber info string', () => {
    const ikm = concatBytes(fill(0xff, 32), fill(0x33, 128));
    const out = p.hkdfSha256(ikm, undefined, ascii('WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024'), 64);
    expect(toHex(out.subarray(0, 32))).toBe(
      'e6df49faf3129ab4bb4d108713077920ce094ecd8f25e9dd75118deda6f0a368',
    );
    expect(toHex(out.subarray(32))).toBe('35fa2e275313a80bf07172e571ee35584af297311b43fb51fc2f5b4bad9adf7f');
  });

  it('an undefined salt equals 32 zero bytes (RFC 5869 §2.2)', () => {
    const ikm = fromHex('0b'.repeat(22));
    expect(p.hkdfSha256(ikm, undefined, ascii('x'), 42)).toEqual(
      p.hkdfSha256(ikm, fill(0, 32), ascii('x'), 42),
    );
  });

  it('RFC 5869 test case 1', () => {
    const okm = p.hkdfSha256(
      fromHex('0b'.repeat(22)),
      fromHex('000102030405060708090a0b0c'),
      fromHex('f0f1f2f3f4f5f6f7f8f9'),
      42,
    );
    expect(toHex(okm)).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });
});
