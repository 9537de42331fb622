/**
 * SenderKeyMessage, the wire form of one group message (docs/protocol.md §6 "SKM"):
 * `0x33 ‖ protobuf{1 distribution_uuid, 2 chain_id, 3 iteration, 4 ciphertext}
 * ‖ XEdDSA signature(64)` by the chain's signing key over everything before it.
 * This module owns the codec and the signature; keys and state live elsewhere.
 */
import { ProtocolError } from '../errors.js';
import type { PrivateKey, PublicKey } from '../keys/index.js';
import { SENDER_KEY_MESSAGE_MAX_LENGTH, SIGNATURE_LENGTH } from '../limits.js';
import { ProtobufWriter } from '../wire/protobuf.js';
import { distributionIdFromBytes, distributionIdToBytes } from './distribution-id.js';
import { type DecodeOptions, decodeFields, requireBytes, requireUint32 } from './proto-fields.js';
import { checkSenderKeyVersion, SENDER_KEY_VERSION, SENDER_KEY_VERSION_BYTE } from './sender-key-version.js';

/** CiphertextMessageType of a sender-key message (docs/protocol.md §5.4). */
export const SENDER_KEY_MESSAGE_TYPE = 7;

const DECODE: DecodeOptions = { what: 'SenderKeyMessage', code: 'InvalidMessage' };
const SKM_FIELDS = { 1: 'bytes', 2: 'uint32', 3: 'uint32', 4: 'bytes' } as const;
/** Version byte + empty protobuf + signature (docs/protocol.md §6). */
const MIN_LENGTH = 1 + SIGNATURE_LENGTH;

/** The authenticated contents of a SenderKeyMessage. */
export interface SenderKeyMessageFields {
  readonly messageVersion: number;
  readonly distributionId: string;
  readonly chainId: number;
  readonly iteration: number;
  readonly ciphertext: Uint8Array;
}

/**
 * @example
 * const message = SenderKeyMessage.deserialize(bytes);
 * if (!message.verifySignature(state.signingKey)) throw ...;
 */
export class SenderKeyMessage implements SenderKeyMessageFields {
  readonly messageVersion: number;
  readonly distributionId: string;
  readonly chainId: number;
  readonly iteration: number;
  readonly ciphertext: Uint8Array;
  private readonly serialized: Uint8Array;

  private constructor(fields: SenderKeyMessageFields, serialized: Uint8Array) {
    this.messageVersion = fields.messageVersion;
    this.distributionId = fields.distributionId;
    this.chainId = fields.chainId;
    this.iteration = fields.iteration;
    this.ciphertext = fields.ciphertext;
    this.serialized = serialized;
  }

  /** Encodes and signs a message (always version 3, as libsignal emits). */
  static create(
    fields: Omit<SenderKeyMessageFields, 'messageVersion'>,
    signingKey: PrivateKey,
  ): SenderKeyMessage {
    const body = new ProtobufWriter()
      .bytes(1, distributionIdToBytes(fields.distributionId))
      .uint32(2, fields.chainId)
      .uint32(3, fields.iteration)
      .bytes(4, fields.ciphertext)
      .finish();
    const signed = new Uint8Array(1 + body.length + SIGNATURE_LENGTH);
    signed[0] = SENDER_KEY_VERSION_BYTE;
    signed.set(body, 1);
    const signature = signingKey.sign(signed.subarray(0, 1 + body.length));
    signed.set(signature, 1 + body.length);
    return new SenderKeyMessage({ ...fields, messageVersion: SENDER_KEY_VERSION }, signed);
  }

  /**
   * Parses without checking the signature (the key is in the receiver's
   * state). Throws ProtocolError InvalidMessage / LegacyMessage / UnsupportedVersion.
   */
  static deserialize(bytes: Uint8Array): SenderKeyMessage {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('SenderKeyMessage bytes must be a Uint8Array');
    if (bytes.length < MIN_LENGTH) {
      throw new ProtocolError('InvalidMessage', 'SenderKeyMessage too short', { length: bytes.length });
    }
    if (bytes.length > SENDER_KEY_MESSAGE_MAX_LENGTH) {
      throw new ProtocolError('InvalidMessage', 'SenderKeyMessage too long', { length: bytes.length });
    }
    const messageVersion = checkSenderKeyVersion(bytes[0] as number, 'SenderKeyMessage');
    const f = decodeFields(bytes.subarray(1, bytes.length - SIGNATURE_LENGTH), SKM_FIELDS, DECODE);
    const fields: SenderKeyMessageFields = {
      messageVersion,
      distributionId: distributionIdFromBytes(requireBytes(f, 1, DECODE, 16)),
      chainId: requireUint32(f, 2, DECODE),
      iteration: requireUint32(f, 3, DECODE),
      ciphertext: requireBytes(f, 4, DECODE),
    };
    return new SenderKeyMessage(fields, bytes.slice());
  }

  /** True iff the trailing 64 bytes are the signing key's XEdDSA signature over the rest. */
  verifySignature(signingKey: PublicKey): boolean {
    const split = this.serialized.length - SIGNATURE_LENGTH;
    return signingKey.verifySignature(this.serialized.subarray(0, split), this.serialized.subarray(split));
  }

  /** CiphertextMessageType 7. */
  type(): typeof SENDER_KEY_MESSAGE_TYPE {
    return SENDER_KEY_MESSAGE_TYPE;
  }

  /** The exact bytes to transmit (a copy). */
  serialize(): Uint8Array {
    return this.serialized.slice();
  }
}
