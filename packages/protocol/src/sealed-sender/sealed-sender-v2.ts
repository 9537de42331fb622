/**
 * Sealed sender v2 (docs/protocol.md §8.4): one USMC encrypted once for many recipients.
 *
 *   M  = 32 random bytes;  E = clamp(HKDF(∅, M, "…: r (2023-08)"));  K = HKDF(∅, M, "…: K")
 *   per recipient identity R:
 *     C  = HKDF(∅, DH(E, R) ‖ ser(E) ‖ ser(R), "…: DH", 32) ⊕ M
 *     AT = HKDF(∅, DH(S, R) ‖ ser(E) ‖ C ‖ ser(S) ‖ ser(R), "…: DH-sender", 16)
 *   payload = AES-256-GCM-SIV(K, nonce 0¹², no AD)(USMC)
 *
 * This module owns the key schedule, the sent format's encoder and the
 * per-device received format's decoder (`0x22 ‖ C ‖ AT ‖ E(32) ‖ payload`).
 * GCM-SIV comes straight from @noble/ciphers (node:crypto has no GCM-SIV).
 */
import { gcmsiv } from '@noble/ciphers/aes.js';
import { constantTimeEqual, primitives } from '../crypto/index.js';
import { ProtocolError } from '../errors.js';
import { type IdentityKeyPair, PrivateKey, PublicKey } from '../keys/index.js';
import { SEALED_SENDER_MAX_LENGTH } from '../limits.js';
import type { StaticSecrets } from './static-secrets.js';
import { UnidentifiedSenderMessageContent } from './unidentified-sender-message-content.js';

/** Version byte of the sent (multi-recipient) format. */
export const SEALED_SENDER_V2_SENT_VERSION = 0x23;
/** Version byte of the received (per-device) format. */
export const SEALED_SENDER_V2_RECEIVED_VERSION = 0x22;

const enc = new TextEncoder();
const LABEL_R = enc.encode('Sealed Sender v2: r (2023-08)');
const LABEL_K = enc.encode('Sealed Sender v2: K');
const LABEL_DH = enc.encode('Sealed Sender v2: DH');
const LABEL_DH_SENDER = enc.encode('Sealed Sender v2: DH-sender');
const NONCE = new Uint8Array(12);
const TAG_LENGTH = 16;
/** Byte length of C, AT and the raw ephemeral key in both formats. */
export const V2_C_LENGTH = 32;
export const V2_AT_LENGTH = 16;
export const V2_EPHEMERAL_LENGTH = 32;

/** The ephemeral key pair and payload key that M determines. */
function keysFromM(m: Uint8Array): { ephemeral: PrivateKey; payloadKey: Uint8Array } {
  const ephemeral = PrivateKey.deserialize(primitives.hkdfSha256(m, undefined, LABEL_R, 32)); // clamps
  return { ephemeral, payloadKey: primitives.hkdfSha256(m, undefined, LABEL_K, 32) };
}

const DH_LENGTH = 32;
const KEY_LENGTH = 33; // serialized: 0x05 ‖ u
const DJB_TYPE = 0x05;

/**
 * The two KDF inputs of one message, laid out once (docs/protocol.md §8.4):
 *   mask: DH(E, R) ‖ ser(E) ‖ ser(R)
 *   AT:   DH(S, R) ‖ ser(E) ‖ C ‖ ser(S) ‖ ser(R)
 * Per recipient only DH, C and R are written; the secret part is zeroed after each KDF.
 */
class KdfInputs {
  readonly #mask = new Uint8Array(DH_LENGTH + 2 * KEY_LENGTH);
  readonly #auth = new Uint8Array(DH_LENGTH + KEY_LENGTH + V2_C_LENGTH + 2 * KEY_LENGTH);

  constructor(ephemeral: PublicKey, sender: PublicKey) {
    this.#mask.set(ephemeral.serialize(), DH_LENGTH);
    this.#auth.set(ephemeral.serialize(), DH_LENGTH);
    this.#auth.set(sender.serialize(), DH_LENGTH + KEY_LENGTH + V2_C_LENGTH);
  }

  mask(dh: Uint8Array, recipient: PublicKey): Uint8Array {
    const ikm = this.#mask;
    ikm.set(dh, 0);
    ikm[DH_LENGTH + KEY_LENGTH] = DJB_TYPE;
    ikm.set(recipient.bytes, DH_LENGTH + KEY_LENGTH + 1);
    const out = primitives.hkdfSha256(ikm, undefined, LABEL_DH, 32);
    ikm.fill(0, 0, DH_LENGTH);
    return out;
  }

  authTag(dh: Uint8Array, c: Uint8Array, recipient: PublicKey): Uint8Array {
    const ikm = this.#auth;
    ikm.set(dh, 0);
    ikm.set(c, DH_LENGTH + KEY_LENGTH);
    const at = ikm.length - KEY_LENGTH;
    ikm[at] = DJB_TYPE;
    ikm.set(recipient.bytes, at + 1);
    const out = primitives.hkdfSha256(ikm, undefined, LABEL_DH_SENDER, V2_AT_LENGTH);
    ikm.fill(0, 0, DH_LENGTH);
    return out;
  }
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) ^ (b[i] as number);
  return out;
}

/** What the sent format needs per recipient: its key material, computed once per identity. */
export interface V2RecipientKeys {
  readonly c: Uint8Array;
  readonly at: Uint8Array;
}

/** The shared half of a v2 message and a function deriving each recipient's C ‖ AT. */
export interface V2Encryption {
  readonly ephemeralPublic: Uint8Array;
  readonly payload: Uint8Array;
  keysFor(recipient: PublicKey): V2RecipientKeys;
}

/**
 * Encrypts the USMC once and returns the per-recipient key derivation.
 *
 * @example
 * const v2 = sealedSenderV2Encrypt(usmc.serialize(), ownIdentity);
 * const { c, at } = v2.keysFor(bobIdentityKey);
 */
export function sealedSenderV2Encrypt(
  usmc: Uint8Array,
  sender: IdentityKeyPair,
  secrets?: StaticSecrets,
): V2Encryption {
  const m = primitives.randomBytes(32);
  const { ephemeral, payloadKey } = keysFromM(m);
  const ephemeralPublic = ephemeral.getPublicKey();
  const payload = gcmsiv(payloadKey, NONCE).encrypt(usmc);
  // Laid out once per message: each recipient's KDF inputs repeat E and S.
  const kdf = new KdfInputs(ephemeralPublic, sender.publicKey);
  return {
    ephemeralPublic: ephemeralPublic.bytes.slice(),
    payload,
    keysFor(recipient: PublicKey): V2RecipientKeys {
      const ephemeralDh = ephemeral.agree(recipient);
      const c = xor(kdf.mask(ephemeralDh, recipient), m);
      ephemeralDh.fill(0);
      // The sender–recipient agreement is static–static: cached per peer when the caller keeps secrets.
      const dh = secrets ? secrets.agree(sender, recipient) : sender.privateKey.agree(recipient);
      const at = kdf.authTag(dh, c, recipient);
      return { c, at };
    },
  };
}

function invalid(message: string): never {
  throw new ProtocolError('InvalidMessage', `sealed sender v2: ${message}`);
}

/**
 * Opens a received-format (0x22) message to the USMC, checking that M
 * re-derives the transmitted ephemeral key and that the sender's AT
 * matches the certificate's identity key. Throws ProtocolError('InvalidMessage').
 *
 * @example
 * const usmc = sealedSenderV2Decrypt(received, ownIdentity);
 */
export function sealedSenderV2Decrypt(
  bytes: Uint8Array,
  recipient: IdentityKeyPair,
  secrets?: StaticSecrets,
): UnidentifiedSenderMessageContent {
  const headerLength = 1 + V2_C_LENGTH + V2_AT_LENGTH + V2_EPHEMERAL_LENGTH;
  if (bytes.length < headerLength + TAG_LENGTH) invalid('too short');
  if (bytes.length > SEALED_SENDER_MAX_LENGTH) invalid('too long');
  if (bytes[0] !== SEALED_SENDER_V2_RECEIVED_VERSION) invalid('not a received-format message');
  const c = bytes.subarray(1, 33);
  const at = bytes.subarray(33, 49);
  const ephemeral = PublicKey.fromPublicKeyBytes(bytes.subarray(49, 81));
  // The mask does not use S; the AT is derived below, once the certificate names the sender.
  const kdf = new KdfInputs(ephemeral, recipient.publicKey);
  const m = xor(kdf.mask(recipient.privateKey.agree(ephemeral), recipient.publicKey), c);
  const keys = keysFromM(m);
  if (!constantTimeEqual(keys.ephemeral.getPublicKey().bytes, ephemeral.bytes))
    invalid('ephemeral key mismatch');
  let plaintext: Uint8Array;
  try {
    plaintext = gcmsiv(keys.payloadKey, NONCE).decrypt(bytes.subarray(headerLength));
  } catch {
    return invalid('payload authentication failed');
  }
  const usmc = UnidentifiedSenderMessageContent.deserialize(plaintext);
  const sender = usmc.senderCertificate.identityKey;
  const dh = secrets ? secrets.agree(recipient, sender) : recipient.privateKey.agree(sender);
  const expected = new KdfInputs(ephemeral, sender).authTag(dh, c, recipient.publicKey);
  if (!constantTimeEqual(expected, at)) invalid('sender authentication failed');
  return usmc;
}
