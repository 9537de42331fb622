/**
 * Key encodings (docs/protocol.md §1): 0x05 ‖ u public keys, clamped
 * private keys, the 69-byte identity key pair, and what must be refused.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/crypto/bytes.js';
import { ProtocolError } from '../../src/errors.js';
import { IdentityKeyPair, KeyPair, PrivateKey, PublicKey } from '../../src/keys/index.js';

const expectCode = (fn: () => unknown, code: string) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    expect((e as ProtocolError).code).toBe(code);
    return;
  }
  throw new Error('expected a ProtocolError');
};

describe('PublicKey', () => {
  it('serializes as 0x05 ‖ u and round-trips', () => {
    const pub = PrivateKey.generate().getPublicKey();
    const bytes = pub.serialize();
    expect(bytes.length).toBe(33);
    expect(bytes[0]).toBe(5);
    expect(toHex(bytes.subarray(1))).toBe(toHex(pub.bytes));
    expect(PublicKey.deserialize(bytes).equals(pub)).toBe(true);
  });

  it('refuses other type bytes, the bare 32 bytes, empty input and trailing bytes', () => {
    const bytes = KeyPair.generate().publicKey.serialize();
    for (const t of [0x00, 0x04, 0x06, 0x08, 0xff]) {
      const b = bytes.slice();
      b[0] = t;
      expectCode(() => PublicKey.deserialize(b), 'InvalidKey');
    }
    expectCode(() => PublicKey.deserialize(bytes.subarray(1)), 'InvalidKey');
    expectCode(() => PublicKey.deserialize(new Uint8Array(0)), 'InvalidKey');
    expectCode(() => PublicKey.deserialize(Uint8Array.of(...bytes, 0)), 'InvalidKey');
  });

  it('refuses non-canonical u (bit 255 set, or u ≥ p) and accepts p − 1', () => {
    const bytes = KeyPair.generate().publicKey.serialize();
    const high = bytes.slice();
    high[32] = (high[32] as number) | 0x80;
    expectCode(() => PublicKey.deserialize(high), 'InvalidKey');
    const withU = (low: number) => Uint8Array.of(5, low, ...new Uint8Array(30).fill(0xff), 0x7f);
    for (const low of [0xed, 0xee, 0xf6, 0xff])
      expectCode(() => PublicKey.deserialize(withU(low)), 'InvalidKey');
    expect(PublicKey.deserialize(withU(0xec)).bytes[0]).toBe(0xec);
  });

  it('serialize() returns a copy the caller cannot use to alter the key', () => {
    const pub = KeyPair.generate().publicKey;
    const s = pub.serialize();
    s[1] = (s[1] as number) ^ 0xff;
    expect(pub.serialize()).not.toEqual(s);
  });
});

describe('PrivateKey', () => {
  it('clamps on import: all-0xFF comes back as f8ff…ff7f', () => {
    const key = PrivateKey.deserialize(new Uint8Array(32).fill(0xff));
    expect(toHex(key.serialize())).toBe(`f8${'ff'.repeat(30)}7f`);
  });

  it('derives the RFC 7748 §6.1 public key and shared secret', () => {
    const alice = PrivateKey.deserialize(
      fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'),
    );
    const bob = PrivateKey.deserialize(
      fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'),
    );
    expect(toHex(alice.getPublicKey().bytes)).toBe(
      '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
    );
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(toHex(alice.agree(bob.getPublicKey()))).toBe(shared);
    expect(toHex(bob.agree(alice.getPublicKey()))).toBe(shared);
  });

  it('refuses a low-order peer key (policy: stricter than libsignal)', () => {
    const me = PrivateKey.generate();
    const zero = PublicKey.deserialize(new Uint8Array(33).fill(0).fill(5, 0, 1));
    expectCode(() => me.agree(zero), 'InvalidKey');
  });

  it('refuses wrong lengths with InvalidKey', () => {
    expectCode(() => PrivateKey.deserialize(new Uint8Array(31)), 'InvalidKey');
    expectCode(() => PrivateKey.deserialize(new Uint8Array(33)), 'InvalidKey');
  });

  it('signs so that the public key verifies, and only for that message', () => {
    const key = PrivateKey.generate();
    const msg = new TextEncoder().encode('hello');
    const sig = key.sign(msg);
    expect(sig.length).toBe(64);
    expect(key.getPublicKey().verifySignature(msg, sig)).toBe(true);
    expect(key.getPublicKey().verifySignature(new TextEncoder().encode('hellO'), sig)).toBe(false);
    expect(PrivateKey.generate().getPublicKey().verifySignature(msg, sig)).toBe(false);
  });
});

describe('IdentityKeyPair', () => {
  it('serializes to the 69-byte protobuf {1: public, 2: private} and back', () => {
    const pair = IdentityKeyPair.generate();
    const bytes = pair.serialize();
    expect(bytes.length).toBe(69);
    expect(toHex(bytes.subarray(0, 2))).toBe('0a21');
    expect(toHex(bytes.subarray(35, 37))).toBe('1220');
    const back = IdentityKeyPair.deserialize(bytes);
    expect(back.publicKey.equals(pair.publicKey)).toBe(true);
    expect(back.privateKey.serialize()).toEqual(pair.privateKey.serialize());
  });

  it('refuses a record with a missing field', () => {
    const bytes = IdentityKeyPair.generate().serialize();
    expectCode(() => IdentityKeyPair.deserialize(bytes.subarray(0, 35)), 'InvalidMessage');
    expectCode(() => IdentityKeyPair.deserialize(bytes.subarray(0, 60)), 'InvalidMessage');
  });
});
