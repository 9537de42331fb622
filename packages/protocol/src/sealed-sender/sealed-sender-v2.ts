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

/** The two per-recipient KDFs, their salt (none) and labels prepared once (primitives.prepareHkdfSha256). */
const MASK_KDF = primitives.prepareHkdfSha256(undefined, LABEL_DH);
const AUTH_KDF = primitives.prepareHkdfSha256(undefined, LABEL_DH_SENDER);

/**
 * The two KDF inputs of one message, laid out once (docs/protocol.md §8.4):
 *   mask: DH(E, R) ‖ ser(E) ‖ ser(R)
 *   AT:   DH(S, R) ‖ ser(E) ‖ C ‖ ser(S) ‖ ser(R)
 * Per recipient only DH, C and R are written; the secret part is zeroed after
 * each KDF. Outputs go straight where the caller wants them (the sent
 * message's own buffer when encrypting): nothing is allocated per recipient.
 */
class KdfInputs {
  readonly #mask = new Uint8Array(DH_LENGTH + 2 * KEY_LENGTH);
  readonly #auth = new Uint8Array(DH_LENGTH + KEY_LENGTH + V2_C_LENGTH + 2 * KEY_LENGTH);

  constructor(ephemeral: PublicKey, sender: PublicKey) {
    writeSerialized(ephemeral, this.#mask, DH_LENGTH);
    writeSerialized(ephemeral, this.#auth, DH_LENGTH);
    writeSerialized(sender, this.#auth, DH_LENGTH + KEY_LENGTH + V2_C_LENGTH);
  }

  /** Writes HKDF(mask input) (32 bytes) into `out` at `offset`. */
  maskInto(dh: Uint8Array, recipient: PublicKey, out: Uint8Array, offset: number): void {
    const ikm = this.#mask;
    ikm.set(dh, 0);
    writeSerialized(recipient, ikm, DH_LENGTH + KEY_LENGTH);
    MASK_KDF.deriveInto(ikm, out, offset, V2_C_LENGTH);
    ikm.fill(0, 0, DH_LENGTH);
  }

  /** Writes the AT (16 bytes) into `out` at `offset`, C being the 32 bytes of `c` at `cOffset`. */
  authTagInto(
    dh: Uint8Array,
    c: Uint8Array,
    cOffset: number,
    recipient: PublicKey,
    out: Uint8Array,
    offset: number,
  ): void {
    const ikm = this.#auth;
    ikm.set(dh, 0);
    const cAt = DH_LENGTH + KEY_LENGTH;
    for (let i = 0; i < V2_C_LENGTH; i++) ikm[cAt + i] = c[cOffset + i] as number;
    writeSerialized(recipient, ikm, ikm.length - KEY_LENGTH);
    AUTH_KDF.deriveInto(ikm, out, offset, V2_AT_LENGTH);
    ikm.fill(0, 0, DH_LENGTH);
  }
}

/** ser(K) = 0x05 ‖ u written in place (no copy of the key is made for it). */
function writeSerialized(key: PublicKey, out: Uint8Array, offset: number): void {
  out[offset] = DJB_TYPE;
  out.set(key.bytes, offset + 1);
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

/** Bytes of one recipient's C ‖ AT in the sent format. */
export const V2_KEYS_LENGTH = V2_C_LENGTH + V2_AT_LENGTH;

/** The shared half of a v2 message and a function deriving each recipient's C ‖ AT. */
export interface V2Encryption {
  readonly ephemeralPublic: Uint8Array;
  readonly payload: Uint8Array;
  /** Writes `recipient`'s C ‖ AT (V2_KEYS_LENGTH bytes) into `out` at `offset`. */
  writeKeysInto(recipient: PublicKey, out: Uint8Array, offset: number): void;
  /** The same C and AT in arrays of their own. */
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
  const writeKeysInto = (recipient: PublicKey, out: Uint8Array, offset: number): void => {
    if (!Number.isInteger(offset) || offset < 0 || offset + V2_KEYS_LENGTH > out.length)
      throw new RangeError('sealed sender v2: recipient keys do not fit');
    // C = mask ⊕ M, masked in place.
    const ephemeralDh = ephemeral.agree(recipient);
    kdf.maskInto(ephemeralDh, recipient, out, offset);
    ephemeralDh.fill(0);
    for (let i = 0; i < V2_C_LENGTH; i++) out[offset + i] = (out[offset + i] as number) ^ (m[i] as number);
    // The sender–recipient agreement is static–static: cached per peer when the caller keeps secrets.
    const dh = secrets ? secrets.agree(sender, recipient) : sender.privateKey.agree(recipient);
    kdf.authTagInto(dh, out, offset, recipient, out, offset + V2_C_LENGTH);
    if (!secrets) dh.fill(0);
  };
  return {
    ephemeralPublic: ephemeralPublic.bytes.slice(),
    payload,
    writeKeysInto,
    keysFor(recipient: PublicKey): V2RecipientKeys {
      const keys = new Uint8Array(V2_KEYS_LENGTH);
      writeKeysInto(recipient, keys, 0);
      return { c: keys.subarray(0, V2_C_LENGTH), at: keys.subarray(V2_C_LENGTH) };
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
  const ephemeralDh = recipient.privateKey.agree(ephemeral);
  const mask = new Uint8Array(V2_C_LENGTH);
  kdf.maskInto(ephemeralDh, recipient.publicKey, mask, 0);
  ephemeralDh.fill(0);
  const m = xor(mask, c);
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
  const expected = new Uint8Array(V2_AT_LENGTH);
  new KdfInputs(ephemeral, sender).authTagInto(dh, c, 0, recipient.publicKey, expected, 0);
  if (!secrets) dh.fill(0);
  if (!constantTimeEqual(expected, at)) invalid('sender authentication failed');
  return usmc;
}
