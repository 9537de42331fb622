/**
 * KEM keys with their type byte (docs/protocol.md §1, §3.1):
 * 0x08 Kyber1024 round 3 (libsignal) or 0x0A ML-KEM-1024 (tacet only). Every
 * other type byte is refused with ProtocolError('InvalidKey'); there is no
 * fallback to a session without a KEM.
 */
import { constantTimeEqual } from '../crypto/bytes.js';
import {
  isKemType,
  KEM_TYPE_KYBER1024,
  type KemType,
  kemDecapsulateRaw,
  kemEncapsulateRaw,
  kemGenerateRaw,
} from '../crypto/kem.js';
import { ProtocolError } from '../errors.js';
import { KEM_CIPHERTEXT_LENGTH, KEM_PUBLIC_KEY_LENGTH, KEM_SECRET_KEY_LENGTH } from '../limits.js';

export { KEM_TYPE_KYBER1024, KEM_TYPE_MLKEM1024, type KemType } from '../crypto/kem.js';

function withType(type: KemType, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = type;
  out.set(body, 1);
  return out;
}

/** Splits `type ‖ body`, refusing unknown types and wrong lengths. */
function splitTyped(
  bytes: Uint8Array,
  bodyLength: number,
  what: string,
  code: 'InvalidKey' | 'InvalidMessage',
) {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what}: bytes must be a Uint8Array`);
  const type = bytes[0];
  if (type === undefined || !isKemType(type))
    throw new ProtocolError('InvalidKey', `bad KEM key type ${type}`);
  if (bytes.length !== bodyLength + 1) throw new ProtocolError(code, `${what}: bad length ${bytes.length}`);
  return { type, body: bytes.slice(1) };
}

/**
 * @example
 * const bobKyber = KEMPublicKey.deserialize(bundleBytes); // 1569 bytes, 0x08 ‖ pk
 * const { ciphertext, sharedSecret } = kemEncapsulate(bobKyber);
 */
export class KEMPublicKey {
  private constructor(
    readonly type: KemType,
    /** The bare 1568-byte key. Treat as read-only. */
    readonly bytes: Uint8Array,
  ) {}

  static deserialize(bytes: Uint8Array): KEMPublicKey {
    const { type, body } = splitTyped(bytes, KEM_PUBLIC_KEY_LENGTH, 'KEMPublicKey', 'InvalidKey');
    return new KEMPublicKey(type, body);
  }

  /** @internal Wraps freshly generated key bytes. */
  static fromRaw(type: KemType, body: Uint8Array): KEMPublicKey {
    return new KEMPublicKey(type, body);
  }

  /** `type ‖ pk`, 1569 bytes: what the Kyber prekey signature covers. */
  serialize(): Uint8Array {
    return withType(this.type, this.bytes);
  }

  equals(other: KEMPublicKey): boolean {
    return this.type === other.type && constantTimeEqual(this.bytes, other.bytes);
  }
}

/**
 * @example
 * const secret = KEMSecretKey.deserialize(stored); // 3169 bytes
 * const sharedSecret = kemDecapsulate(secret, message.kyberCiphertext);
 */
export class KEMSecretKey {
  private constructor(
    readonly type: KemType,
    /** The bare 3168-byte key. Treat as read-only. */
    readonly bytes: Uint8Array,
  ) {}

  static deserialize(bytes: Uint8Array): KEMSecretKey {
    const { type, body } = splitTyped(bytes, KEM_SECRET_KEY_LENGTH, 'KEMSecretKey', 'InvalidKey');
    return new KEMSecretKey(type, body);
  }

  /** @internal Wraps freshly generated key bytes. */
  static fromRaw(type: KemType, body: Uint8Array): KEMSecretKey {
    return new KEMSecretKey(type, body);
  }

  /** `type ‖ sk`, 3169 bytes (a fresh copy the caller may zeroize). */
  serialize(): Uint8Array {
    return withType(this.type, this.bytes);
  }

  /** Overwrites the key; it is unusable afterwards. */
  zeroize(): void {
    this.bytes.fill(0);
  }
}

/**
 * @example
 * const kyber = KEMKeyPair.generate(); // 0x08, what libsignal accepts
 */
export class KEMKeyPair {
  constructor(
    readonly publicKey: KEMPublicKey,
    readonly secretKey: KEMSecretKey,
  ) {}

  /** A fresh pair; 0x08 (Kyber1024 r3) by default, 0x0A for ML-KEM-1024. */
  static generate(type: KemType = KEM_TYPE_KYBER1024): KEMKeyPair {
    if (!isKemType(type)) throw new ProtocolError('InvalidKey', `bad KEM key type ${type}`);
    const { publicKey, secretKey } = kemGenerateRaw(type);
    return new KEMKeyPair(KEMPublicKey.fromRaw(type, publicKey), KEMSecretKey.fromRaw(type, secretKey));
  }
}

/**
 * Encapsulates to `publicKey`. The ciphertext carries the key's type byte
 * (1569 bytes), as it does in messages and session state.
 *
 * @example
 * const { ciphertext, sharedSecret } = kemEncapsulate(bundle.kyberPreKey.publicKey);
 */
export function kemEncapsulate(publicKey: KEMPublicKey): {
  ciphertext: Uint8Array;
  sharedSecret: Uint8Array;
} {
  const { ciphertext, sharedSecret } = kemEncapsulateRaw(publicKey.type, publicKey.bytes);
  return { ciphertext: withType(publicKey.type, ciphertext), sharedSecret };
}

/**
 * Decapsulates a typed ciphertext. A ciphertext whose type byte differs from
 * the key's, or of the wrong length, is ProtocolError('InvalidMessage'); a
 * tampered one of the right shape gives an unrelated secret (implicit reject).
 *
 * @example
 * const sharedSecret = kemDecapsulate(kyberPreKey.keyPair.secretKey, message.kyberCiphertext);
 */
export function kemDecapsulate(secretKey: KEMSecretKey, ciphertext: Uint8Array): Uint8Array {
  if (!(ciphertext instanceof Uint8Array))
    throw new TypeError('kemDecapsulate: ciphertext must be a Uint8Array');
  if (ciphertext[0] !== secretKey.type) {
    throw new ProtocolError('InvalidMessage', `KEM ciphertext type ${ciphertext[0]} does not match the key`);
  }
  if (ciphertext.length !== KEM_CIPHERTEXT_LENGTH + 1) {
    throw new ProtocolError('InvalidMessage', `bad KEM ciphertext length ${ciphertext.length}`);
  }
  return kemDecapsulateRaw(secretKey.type, secretKey.bytes, ciphertext.subarray(1));
}
