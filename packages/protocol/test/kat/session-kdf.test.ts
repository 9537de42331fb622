/**
 * Known answers for the session KDFs, from docs/protocol.md
 * "Appendix: test vectors" (values reproduced by libsignal 0.72.1's S.hkdf and
 * by an independent implementation that interoperated with it), plus a
 * cross-check against libsignal's exported HKDF for random inputs.
 */
import * as S from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/index.js';
import {
  deriveMasterKeys,
  MESSAGE_KEYS_INFO,
  messageKeys,
  messageSeed,
  nextChainKey,
  PQXDH_INFO,
  rootStep,
} from '../../src/session/kdf.js';

const fill = (byte: number, n: number) => new Uint8Array(n).fill(byte);

describe('session KDF vectors (docs/protocol.md appendix)', () => {
  it('root step: HKDF(salt 11×32, ikm 22×32, "WhisperRatchet", 64)', () => {
    const { rootKey, chainKey } = rootStep(fill(0x11, 32), fill(0x22, 32));
    expect(toHex(rootKey)).toBe('9daeaa1e8c7e8b788d4bc90ec8c2a5b992b4b505d14e74ca049ddb4f9e8ed91b');
    expect(toHex(chainKey)).toBe('1b31f67b64b589df27b980ffa916bb940f0e47fbc13569bf1fd0622d04725dca');
  });

  it('chain step and message keys for CK = 00..1f', () => {
    const ck = Uint8Array.from({ length: 32 }, (_, i) => i);
    const seed = messageSeed(ck);
    expect(toHex(seed)).toBe('9b4c8120a4823a95f47cde17a244f4507244ee6e3957d1fab9fa29b44d3829b7');
    expect(toHex(nextChainKey(ck))).toBe('4304c22c84a53755ab08ead8d97a8d429be5efa480682d7ad1da27f73e1fbe1d');
    const keys = messageKeys(seed);
    expect(toHex(keys.cipherKey)).toBe('86268814b41f5fd154659f26873660e3dbc8b205155c3b59b8570b015d773c0c');
    expect(toHex(keys.macKey)).toBe('dea51fa5beca2618971c4292647b81e83f2b4edd03e0d292a87ec66e0163abdb');
    expect(toHex(keys.iv)).toBe('21cfd5b9956a1631f6b7b5b5bdf7b791');
  });

  it('PQXDH master secret: ikm FF×32 ‖ 33×128', () => {
    const ikm = new Uint8Array(160).fill(0x33);
    ikm.fill(0xff, 0, 32);
    const { rootKey, chainKey } = deriveMasterKeys(ikm);
    expect(toHex(rootKey)).toBe('e6df49faf3129ab4bb4d108713077920ce094ecd8f25e9dd75118deda6f0a368');
    expect(toHex(chainKey)).toBe('35fa2e275313a80bf07172e571ee35584af297311b43fb51fc2f5b4bad9adf7f');
    // @NOTE 46 bytes (docs/protocol.md §3, step 5); the vector above confirms the text.
    expect(new TextDecoder().decode(PQXDH_INFO)).toBe('WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024');
  });
});

describe('session KDFs agree with libsignal S.hkdf', () => {
  it('for 20 random inputs of each KDF', () => {
    for (let i = 0; i < 20; i++) {
      const salt = crypto.getRandomValues(new Uint8Array(32));
      const ikm = crypto.getRandomValues(new Uint8Array(32));
      const root = rootStep(salt, ikm);
      const ref = S.hkdf(64, Buffer.from(ikm), Buffer.from('WhisperRatchet'), Buffer.from(salt));
      expect(toHex(root.rootKey) + toHex(root.chainKey)).toBe(ref.toString('hex'));
      const keys = messageKeys(ikm);
      const refKeys = S.hkdf(80, Buffer.from(ikm), Buffer.from(MESSAGE_KEYS_INFO), null);
      expect(toHex(keys.cipherKey) + toHex(keys.macKey) + toHex(keys.iv)).toBe(refKeys.toString('hex'));
    }
    expect(fromHex('00ff')).toEqual(Uint8Array.of(0, 255));
  });
});
