/**
 * The sealed-sender v1 envelope (docs/protocol.md §8.3): `0x11 ‖ protobuf{1 ephemeral
 * public (33), 2 encrypted static, 3 encrypted message}`. Two layers:
 *
 * 1. ephemeral: HKDF(salt "UnidentifiedDelivery" ‖ ser(R) ‖ ser(E), DH(E, R), ∅, 96)
 *    = chainKey ‖ cipherKey ‖ macKey; encrypts the sender's identity key;
 * 2. static: HKDF(salt chainKey ‖ encryptedStatic, DH(S, R), ∅, 96)[32..96]
 *    = cipherKey ‖ macKey; encrypts the USMC.
 *
 * Each ciphertext is AES-256-CTR (zero IV) followed by a 10-byte truncated
 * HMAC-SHA256, checked in constant time before decrypting. This module only
 * moves bytes; certificates and 1:1 decryption are checked by the caller.
 */
import { concatBytes, constantTimeEqual, primitives, zeroize } from '../crypto/index.js';
import { ProtocolError } from '../errors.js';
import { type DecodeOptions, decodeFields, fail, requireBytes } from '../group/proto-fields.js';
import { type IdentityKeyPair, KeyPair, PublicKey } from '../keys/index.js';
import { EC_PUBLIC_KEY_LENGTH, SEALED_SENDER_MAX_LENGTH } from '../limits.js';
import { ProtobufWriter } from '../wire/protobuf.js';
import type { StaticSecrets } from './static-secrets.js';

/** Version byte of a v1 envelope: (1 << 4) | 1. */
export const SEALED_SENDER_V1_VERSION_BYTE = 0x11;
const SALT_PREFIX = new TextEncoder().encode('UnidentifiedDelivery');
const EMPTY = new Uint8Array(0);
const ZERO_IV = new Uint8Array(16);
const MAC_LENGTH = 10;
const DECODE: DecodeOptions = { what: 'sealed sender v1 message', code: 'InvalidMessage' };
const FIELDS = { 1: 'bytes', 2: 'bytes', 3: 'bytes' } as const;

interface Keys {
  chainKey: Uint8Array;
  cipherKey: Uint8Array;
  macKey: Uint8Array;
}

function ephemeralKeys(recipient: PublicKey, ephemeral: PublicKey, shared: Uint8Array): Keys {
  const salt = concatBytes(SALT_PREFIX, recipient.serialize(), ephemeral.serialize());
  return split(primitives.hkdfSha256(shared, salt, EMPTY, 96));
}

function staticKeys(chainKey: Uint8Array, encryptedStatic: Uint8Array, shared: Uint8Array): Keys {
  return split(primitives.hkdfSha256(shared, concatBytes(chainKey, encryptedStatic), EMPTY, 96));
}

function split(okm: Uint8Array): Keys {
  return { chainKey: okm.subarray(0, 32), cipherKey: okm.subarray(32, 64), macKey: okm.subarray(64, 96) };
}

function seal(keys: Keys, plaintext: Uint8Array): Uint8Array {
  const ciphertext = primitives.aes256Ctr(keys.cipherKey, ZERO_IV, plaintext);
  return concatBytes(ciphertext, primitives.hmacSha256(keys.macKey, ciphertext).subarray(0, MAC_LENGTH));
}

function open(keys: Keys, sealed: Uint8Array, what: string): Uint8Array {
  if (sealed.length < MAC_LENGTH) fail(DECODE, `${what} too short`);
  const ciphertext = sealed.subarray(0, sealed.length - MAC_LENGTH);
  const mac = primitives.hmacSha256(keys.macKey, ciphertext).subarray(0, MAC_LENGTH);
  if (!constantTimeEqual(mac, sealed.subarray(sealed.length - MAC_LENGTH))) {
    throw new ProtocolError('InvalidMessage', `sealed sender: ${what} MAC mismatch`);
  }
  return primitives.aes256Ctr(keys.cipherKey, ZERO_IV, ciphertext);
}

/**
 * Seals serialized USMC bytes from `sender` to `recipient`'s identity key.
 *
 * @example
 * const envelope = sealedSenderEncryptV1(usmc.serialize(), bobIdentityKey, aliceIdentity);
 */
export function sealedSenderEncryptV1(
  usmc: Uint8Array,
  recipient: PublicKey,
  sender: IdentityKeyPair,
  secrets?: StaticSecrets,
): Uint8Array {
  const ephemeral = KeyPair.generate();
  const eph = ephemeralKeys(recipient, ephemeral.publicKey, ephemeral.privateKey.agree(recipient));
  const encryptedStatic = seal(eph, sender.publicKey.serialize());
  const shared = secrets ? secrets.agree(sender, recipient) : sender.privateKey.agree(recipient);
  const stat = staticKeys(eph.chainKey, encryptedStatic, shared);
  const encryptedMessage = seal(stat, usmc);
  zeroize(eph.chainKey, eph.cipherKey, eph.macKey, stat.chainKey, stat.cipherKey, stat.macKey);
  ephemeral.privateKey.zeroize();
  const body = new ProtobufWriter()
    .bytes(1, ephemeral.publicKey.serialize())
    .bytes(2, encryptedStatic)
    .bytes(3, encryptedMessage)
    .finish();
  return concatBytes(Uint8Array.of(SEALED_SENDER_V1_VERSION_BYTE), body);
}

/** What the envelope revealed: the sender's identity key (not yet checked) and the USMC bytes. */
export interface OpenedSealedSender {
  readonly senderIdentityKey: PublicKey;
  readonly usmc: Uint8Array;
}

/**
 * Opens a v1 envelope addressed to `recipient`. Throws ProtocolError:
 * InvalidMessage (malformed, MAC mismatch), InvalidKey (bad or low-order
 * keys), UnsupportedVersion (not v1).
 *
 * @example
 * const { senderIdentityKey, usmc } = sealedSenderDecryptV1(envelope, ownIdentity);
 * `secrets` (optional) remembers the static–static agreement per peer (static-secrets.ts).
 */
export function sealedSenderDecryptV1(
  bytes: Uint8Array,
  recipient: IdentityKeyPair,
  secrets?: StaticSecrets,
): OpenedSealedSender {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('sealed sender message must be a Uint8Array');
  if (bytes.length === 0) fail(DECODE, 'empty');
  if (bytes.length > SEALED_SENDER_MAX_LENGTH) fail(DECODE, 'too long');
  const version = (bytes[0] as number) >> 4;
  if (version > 1) {
    throw new ProtocolError('UnsupportedVersion', `sealed sender version ${version} is not supported`, {
      version,
    });
  }
  const f = decodeFields(bytes.subarray(1), FIELDS, DECODE);
  const ephemeral = PublicKey.deserialize(requireBytes(f, 1, DECODE, EC_PUBLIC_KEY_LENGTH));
  const encryptedStatic = requireBytes(f, 2, DECODE);
  const encryptedMessage = requireBytes(f, 3, DECODE);
  const eph = ephemeralKeys(recipient.publicKey, ephemeral, recipient.privateKey.agree(ephemeral));
  const staticBytes = open(eph, encryptedStatic, 'static key');
  const senderIdentityKey = PublicKey.deserialize(staticBytes);
  const shared = secrets
    ? secrets.agree(recipient, senderIdentityKey)
    : recipient.privateKey.agree(senderIdentityKey);
  const stat = staticKeys(eph.chainKey, encryptedStatic, shared);
  const usmc = open(stat, encryptedMessage, 'message');
  zeroize(eph.chainKey, eph.cipherKey, eph.macKey, stat.chainKey, stat.cipherKey, stat.macKey);
  return { senderIdentityKey, usmc };
}
