/**
 * Known answers for sender keys. Vectors: docs/protocol.md, appendix
 * ("Chain key CK = 00 01 02 … 1f", "WhisperGroup"); byte layouts: docs/protocol.md §6.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/crypto/index.js';
import { SenderKeyDistributionMessage, SenderKeyMessage, senderMessageKeys } from '../../src/group/index.js';
import { nextSenderChainKey, senderMessageSeed } from '../../src/group/sender-key-keys.js';
import { KeyPair } from '../../src/keys/index.js';
import {
  SENDER_KEY_DISTRIBUTION_MESSAGE_MAX_LENGTH,
  SENDER_KEY_MESSAGE_MAX_LENGTH,
} from '../../src/limits.js';

const CK = Uint8Array.from({ length: 32 }, (_, i) => i);
const DIST = '01020304-0506-0708-090a-0b0c0d0e0f10';

describe('sender-key key derivation (docs/protocol.md appendix)', () => {
  it('derives seed and next chain key with HMAC 0x01 / 0x02', () => {
    expect(toHex(senderMessageSeed(CK))).toBe(
      '9b4c8120a4823a95f47cde17a244f4507244ee6e3957d1fab9fa29b44d3829b7',
    );
    expect(toHex(nextSenderChainKey(CK))).toBe(
      '4304c22c84a53755ab08ead8d97a8d429be5efa480682d7ad1da27f73e1fbe1d',
    );
  });

  it('splits "WhisperGroup" output IV first, then the AES key (pitfall 8)', () => {
    const keys = senderMessageKeys(senderMessageSeed(CK));
    expect(toHex(keys.iv)).toBe('ed1f5e26325b1399f6a34c76e47ff047');
    expect(toHex(keys.cipherKey)).toBe('d89f10a08215e845ceb4df3fc59c052ad09e01cd499650025ff83df48ed656e6');
  });
});

describe('sender-key wire layout (docs/protocol.md §6)', () => {
  it('refuses oversized messages before parsing them (limits.ts)', () => {
    const huge = new Uint8Array(SENDER_KEY_MESSAGE_MAX_LENGTH + 1);
    huge[0] = 0x33;
    expect(() => SenderKeyMessage.deserialize(huge)).toThrow(/too long/);
    const big = new Uint8Array(SENDER_KEY_DISTRIBUTION_MESSAGE_MAX_LENGTH + 1);
    big[0] = 0x33;
    expect(() => SenderKeyDistributionMessage.deserialize(big)).toThrow(/too long/);
  });

  const signing = KeyPair.generate();

  it('encodes an SKDM as 0x33 ‖ protobuf in tag order', () => {
    const skdm = SenderKeyDistributionMessage.fromFields({
      distributionId: DIST,
      chainId: 0x7fffffff,
      iteration: 0,
      chainKey: CK,
      signingKey: signing.publicKey,
    });
    const expected =
      `33 0a10${toHex(fromHex('0102030405060708090a0b0c0d0e0f10'))} 10ffffffff07 1800` +
      ` 2220${toHex(CK)} 2a21${toHex(signing.publicKey.serialize())}`;
    expect(toHex(skdm.serialize())).toBe(expected.replaceAll(' ', ''));
    expect(skdm.serialize().length).toBe(96); // a fresh SKDM with a 5-byte chain id varint [E]
    const parsed = SenderKeyDistributionMessage.deserialize(skdm.serialize());
    expect(parsed.distributionId).toBe(DIST);
    expect(parsed.chainId).toBe(0x7fffffff);
    expect(parsed.signingKey.equals(signing.publicKey)).toBe(true);
  });

  it('encodes an SKM as 0x33 ‖ protobuf ‖ a 64-byte XEdDSA signature over the rest', () => {
    const ciphertext = new Uint8Array(16).fill(0xaa);
    const skm = SenderKeyMessage.create(
      { distributionId: DIST, chainId: 0x7fffffff, iteration: 5, ciphertext },
      signing.privateKey,
    );
    const bytes = skm.serialize();
    expect(bytes.length).toBe(109); // an 11-byte plaintext = one AES block [E]
    const body = `33 0a10${toHex(fromHex('0102030405060708090a0b0c0d0e0f10'))} 10ffffffff07 1805 2210${toHex(ciphertext)}`;
    expect(toHex(bytes.subarray(0, 45))).toBe(body.replaceAll(' ', ''));
    expect(signing.publicKey.verifySignature(bytes.subarray(0, 45), bytes.subarray(45))).toBe(true);
    expect(skm.type()).toBe(7);
    expect(SenderKeyMessage.deserialize(bytes).verifySignature(signing.publicKey)).toBe(true);
    expect(SenderKeyMessage.deserialize(bytes).verifySignature(KeyPair.generate().publicKey)).toBe(false);
  });
});
