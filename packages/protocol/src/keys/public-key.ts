/**
 * Curve25519 public keys in libsignal's encoding (docs/protocol.md §1):
 * `0x05 ‖ u` on the wire, the raw 32-byte u-coordinate inside. Used for
 * identity keys, prekeys, base keys, ratchet keys and sender-key signing keys.
 */

import { constantTimeEqual } from '../crypto/bytes.js';
import { primitives } from '../crypto/index.js';
import { ProtocolError } from '../errors.js';
import { EC_KEY_TYPE_DJB, EC_PUBLIC_KEY_LENGTH } from '../limits.js';

/**
 * @example
 * const key = PublicKey.deserialize(bytes); // 33 bytes, 0x05 ‖ u
 * if (!key.verifySignature(message, signature)) throw new ProtocolError('InvalidSignature', '…');
 */
export class PublicKey {
  private serialized: Uint8Array | undefined;

  private constructor(
    /** The raw 32-byte u-coordinate (no type byte). Treat as read-only. */
    readonly bytes: Uint8Array,
  ) {}

  /**
   * Parses `0x05 ‖ u`. Throws ProtocolError('InvalidKey') on any other type
   * byte or length.
   *
   * @NOTE Spec deviation (docs/protocol.md §10 C, stricter than libsignal): libsignal
   * ignores bytes after the 33rd (docs/protocol.md §1); tacet refuses them, since no
   * honest encoder writes them and a key field is then exactly what it
   * claims to be.
   *
   * @NOTE Also stricter than libsignal: u must be canonical (bit 255 clear,
   * u < p = 2^255 − 19). X25519 ignores bit 255 and reduces u mod p, so a
   * replayed PreKey message with a re-encoded base key would otherwise look
   * like a new session and be delivered twice (issue 9 item 5); libsignal
   * only ever produces canonical keys, so interop is unchanged.
   */
  static deserialize(bytes: Uint8Array): PublicKey {
    if (!(bytes instanceof Uint8Array))
      throw new TypeError('PublicKey.deserialize: bytes must be a Uint8Array');
    if (bytes.length === 0) throw new ProtocolError('InvalidKey', 'empty public key');
    if (bytes[0] !== EC_KEY_TYPE_DJB) throw new ProtocolError('InvalidKey', `bad key type ${bytes[0]}`);
    if (bytes.length !== EC_PUBLIC_KEY_LENGTH) {
      throw new ProtocolError('InvalidKey', `bad public key length ${bytes.length}`);
    }
    const u = bytes.slice(1);
    if (!isCanonicalU(u)) throw new ProtocolError('InvalidKey', 'non-canonical X25519 public key');
    return new PublicKey(u);
  }

  /** Wraps a raw 32-byte u-coordinate (from our own key generation); misuse throws RangeError. */
  static fromPublicKeyBytes(raw: Uint8Array): PublicKey {
    if (!(raw instanceof Uint8Array) || raw.length !== 32)
      throw new RangeError('raw public key must be 32 bytes');
    return new PublicKey(raw.slice());
  }

  /** The 33-byte encoding `0x05 ‖ u` (a fresh copy). */
  serialize(): Uint8Array {
    if (this.serialized === undefined) {
      const out = new Uint8Array(EC_PUBLIC_KEY_LENGTH);
      out[0] = EC_KEY_TYPE_DJB;
      out.set(this.bytes, 1);
      this.serialized = out;
    }
    return this.serialized.slice();
  }

  /** XEdDSA verification as libsignal does it (docs/protocol.md §2); a bad signature returns false. */
  verifySignature(message: Uint8Array, signature: Uint8Array): boolean {
    if (!(message instanceof Uint8Array) || !(signature instanceof Uint8Array)) {
      throw new TypeError('verifySignature: message and signature must be Uint8Arrays');
    }
    return primitives.xeddsaVerify(this.bytes, message, signature);
  }

  /** Compares the serialized forms. */
  equals(other: PublicKey): boolean {
    return constantTimeEqual(this.bytes, other.bytes);
  }

  /** Orders keys by their serialized bytes (for deterministic sorting, e.g. fingerprints). */
  compare(other: PublicKey): number {
    for (let i = 0; i < 32; i++) {
      const d = (this.bytes[i] as number) - (other.bytes[i] as number);
      if (d !== 0) return d;
    }
    return 0;
  }
}

/** u < 2^255 − 19 with bit 255 clear: the only encoding of each X25519 u-coordinate (RFC 7748 §5). */
function isCanonicalU(u: Uint8Array): boolean {
  const top = u[31] as number;
  if (top > 0x7f) return false;
  if (top < 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (u[i] !== 0xff) return true;
  return (u[0] as number) < 0xed;
}
