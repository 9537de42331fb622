/**
 * Curve25519 private keys: 32 raw bytes, clamped on import as libsignal does
 * (docs/protocol.md §1), plus the key pair that holds one.
 */
import { primitives } from '../crypto/index.js';
import { ProtocolError } from '../errors.js';
import { EC_PRIVATE_KEY_LENGTH } from '../limits.js';
import { PublicKey } from './public-key.js';

function clamp(bytes: Uint8Array): Uint8Array {
  const k = bytes.slice();
  k[0] = (k[0] as number) & 0xf8;
  k[31] = ((k[31] as number) & 0x7f) | 0x40;
  return k;
}

/**
 * @example
 * const alice = PrivateKey.generate();
 * const shared = alice.agree(bobPublicKey);
 * const signature = alice.sign(message);
 */
export class PrivateKey {
  private publicKey: PublicKey | undefined;

  private constructor(private readonly scalar: Uint8Array) {}

  /** A fresh random key. */
  static generate(): PrivateKey {
    const { privateKey, publicKey } = primitives.x25519Generate();
    const key = new PrivateKey(privateKey);
    key.publicKey = PublicKey.fromPublicKeyBytes(publicKey);
    return key;
  }

  /** Imports 32 raw bytes and clamps them; any other length is ProtocolError('InvalidKey'). */
  static deserialize(bytes: Uint8Array): PrivateKey {
    if (!(bytes instanceof Uint8Array))
      throw new TypeError('PrivateKey.deserialize: bytes must be a Uint8Array');
    if (bytes.length !== EC_PRIVATE_KEY_LENGTH) {
      throw new ProtocolError('InvalidKey', `bad private key length ${bytes.length}`);
    }
    return new PrivateKey(clamp(bytes));
  }

  /** The clamped 32 bytes (a fresh copy the caller may zeroize). */
  serialize(): Uint8Array {
    return this.scalar.slice();
  }

  getPublicKey(): PublicKey {
    this.publicKey ??= PublicKey.fromPublicKeyBytes(primitives.x25519PublicKey(this.scalar));
    return this.publicKey;
  }

  /** Raw 32-byte X25519 output; ProtocolError('InvalidKey') for a low-order peer key. */
  agree(theirs: PublicKey): Uint8Array {
    return primitives.x25519Agree(this.scalar, theirs.bytes);
  }

  /** A 64-byte XEdDSA signature with fresh randomness (docs/protocol.md §2). */
  sign(message: Uint8Array): Uint8Array {
    if (!(message instanceof Uint8Array)) throw new TypeError('sign: message must be a Uint8Array');
    const random = primitives.randomBytes(64);
    const signature = primitives.xeddsaSign(this.scalar, message, random);
    random.fill(0);
    return signature;
  }

  /** Overwrites the scalar; the key is unusable afterwards. */
  zeroize(): void {
    this.scalar.fill(0);
  }
}

/**
 * @example
 * const ratchet = KeyPair.generate();
 * send(ratchet.publicKey.serialize());
 */
export class KeyPair {
  constructor(
    readonly publicKey: PublicKey,
    readonly privateKey: PrivateKey,
  ) {}

  static generate(): KeyPair {
    const privateKey = PrivateKey.generate();
    return new KeyPair(privateKey.getPublicKey(), privateKey);
  }

  /** The pair for an existing private key. */
  static fromPrivateKey(privateKey: PrivateKey): KeyPair {
    return new KeyPair(privateKey.getPublicKey(), privateKey);
  }
}
