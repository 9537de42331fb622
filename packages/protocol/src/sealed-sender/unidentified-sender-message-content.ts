/**
 * UnidentifiedSenderMessageContent, the plaintext inside a sealed-sender
 * envelope (docs/protocol.md §8.2): `{1 type, 2 senderCertificate, 3 content,
 * 4 contentHint (omitted when 0), 5 groupId (omitted when empty)}`.
 *
 * ⚠ Inside sealed sender a PreKey message is type 1, not CiphertextMessageType
 * 3 (docs/protocol.md §5.4, pitfall 7). This class speaks CiphertextMessageType in its
 * API and translates at the codec boundary only.
 */

import {
  type DecodeOptions,
  decodeFields,
  fail,
  optionalBytes,
  requireBytes,
  requireUint32,
} from '../group/proto-fields.js';
import { ProtobufWriter } from '../wire/protobuf.js';
import { SenderCertificate } from './sender-certificate.js';

const DECODE: DecodeOptions = { what: 'UnidentifiedSenderMessageContent', code: 'InvalidMessage' };
const FIELDS = { 1: 'uint32', 2: 'bytes', 3: 'bytes', 4: 'uint32', 5: 'bytes' } as const;

/** CiphertextMessageType values a USMC can carry: Whisper, PreKey, SenderKey, Plaintext. */
export type SealedContentType = 2 | 3 | 7 | 8;

/** CiphertextMessageType → sealed-sender wire enum. */
const TO_WIRE: Readonly<Record<SealedContentType, number>> = { 2: 2, 3: 1, 7: 7, 8: 8 };
/** Sealed-sender wire enum → CiphertextMessageType. */
const FROM_WIRE: Readonly<Record<number, SealedContentType>> = { 1: 3, 2: 2, 7: 7, 8: 8 };

/** libsignal's content hints; other values survive a round trip unchanged. */
export const ContentHint = { Default: 0, Resendable: 1, Implicit: 2 } as const;

/** Anything with a CiphertextMessageType and bytes: a 1:1 message, a SenderKeyMessage... */
export interface TypedCiphertext {
  type(): number;
  serialize(): Uint8Array;
}

/**
 * @example
 * const usmc = UnidentifiedSenderMessageContent.create(senderKeyMessage, senderCert, ContentHint.Resendable, groupId);
 * const sealed = sealedSenderEncryptV1(usmc.serialize(), recipientIdentityKey, ownIdentity);
 */
export class UnidentifiedSenderMessageContent {
  private constructor(
    /** CiphertextMessageType of `contents` (3 for PreKey, never the wire's 1). */
    readonly msgType: SealedContentType,
    readonly senderCertificate: SenderCertificate,
    readonly contents: Uint8Array,
    readonly contentHint: number,
    readonly groupId: Uint8Array | null,
    private readonly serialized: Uint8Array,
  ) {}

  /** Wraps a ciphertext message for sealed sending; throws a TypeError for an unsealable type. */
  static create(
    message: TypedCiphertext,
    senderCertificate: SenderCertificate,
    contentHint: number,
    groupId: Uint8Array | null,
  ): UnidentifiedSenderMessageContent {
    const msgType = message.type();
    if (!isSealedContentType(msgType)) throw new TypeError(`message type ${msgType} cannot be sealed`);
    const contents = message.serialize();
    const writer = new ProtobufWriter()
      .uint32(1, TO_WIRE[msgType])
      .bytes(2, senderCertificate.serialize())
      .bytes(3, contents);
    if (contentHint !== 0) writer.uint32(4, contentHint);
    if (groupId !== null && groupId.length > 0) writer.bytes(5, groupId);
    const group = groupId !== null && groupId.length > 0 ? groupId.slice() : null;
    return new UnidentifiedSenderMessageContent(
      msgType,
      senderCertificate,
      contents,
      contentHint,
      group,
      writer.finish(),
    );
  }

  /** Parses strictly; InvalidMessage for the envelope, InvalidCertificate for the certificate. */
  static deserialize(bytes: Uint8Array): UnidentifiedSenderMessageContent {
    if (!(bytes instanceof Uint8Array))
      throw new TypeError('UnidentifiedSenderMessageContent bytes must be a Uint8Array');
    const f = decodeFields(bytes, FIELDS, DECODE);
    const wireType = requireUint32(f, 1, DECODE);
    const msgType = FROM_WIRE[wireType];
    if (msgType === undefined) fail(DECODE, `unknown message type ${wireType}`);
    const hint = f.get(4);
    const groupId = optionalBytes(f, 5);
    return new UnidentifiedSenderMessageContent(
      msgType,
      SenderCertificate.deserialize(requireBytes(f, 2, DECODE)),
      requireBytes(f, 3, DECODE),
      typeof hint === 'number' ? hint : 0,
      groupId === undefined || groupId.length === 0 ? null : groupId,
      bytes.slice(),
    );
  }

  serialize(): Uint8Array {
    return this.serialized.slice();
  }
}

function isSealedContentType(type: number): type is SealedContentType {
  return type === 2 || type === 3 || type === 7 || type === 8;
}
