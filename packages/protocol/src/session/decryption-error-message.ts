/**
 * DecryptionErrorMessage, a recipient's "I could not decrypt your message"
 * (docs/protocol.md §5.5; docs/retry-receipts.md for its use): a proto2
 * message `{1 ratchetKey bytes (optional), 2 timestamp uint64 ms, 3 deviceId
 * uint32}`, byte-compatible with libsignal 0.72.1. It travels unencrypted
 * inside a PlaintextContent (plaintext-content.ts), itself sealed.
 *
 * The ratchet key names the sender's session that failed: the sender's
 * ratchet key of a SignalMessage, and for a PreKey message the ratchet key of
 * the SignalMessage inside it (not the base key). Sender-key messages carry none.
 *
 * @NOTE Stricter than libsignal: a field that appears twice, a device id
 * above 2^32 − 1 or a timestamp above 2^53 − 1 is refused (libsignal keeps the
 * last copy, truncates, or fails only in its JS binding).
 */
import {
  type DecodeOptions,
  decodeFields,
  fail,
  optionalBytes,
  requireUint32,
} from '../group/proto-fields.js';
import { PublicKey } from '../keys/index.js';
import { MAX_PLAINTEXT_CONTENT_LENGTH } from '../limits.js';
import { ProtobufWriter } from '../wire/protobuf.js';
import { PreKeySignalMessage } from './prekey-signal-message.js';
import { SignalMessage } from './signal-message.js';

const DECODE: DecodeOptions = { what: 'DecryptionErrorMessage', code: 'InvalidMessage' };
const FIELDS = { 1: 'bytes', 2: 'uint53', 3: 'uint32' } as const;

/** CiphertextMessageType values a DecryptionErrorMessage can answer: Whisper, PreKey, SenderKey. */
export type DecryptableType = 2 | 3 | 7;

/**
 * @example
 * const dem = DecryptionErrorMessage.forOriginal(failedBytes, 3, envelopeTimestamp, senderDeviceId);
 * const pc = PlaintextContent.from(dem); // then seal `pc` with content type 8
 */
export class DecryptionErrorMessage {
  private constructor(
    /** The failed message's ratchet key, when it had one. */
    readonly ratchetKey: PublicKey | undefined,
    /** The original message's timestamp, ms since the epoch. */
    readonly timestamp: number,
    /** The device that sent the original message. */
    readonly deviceId: number,
    private readonly bytes: Uint8Array,
  ) {}

  /** Builds the fields in tag order, every one written (as libsignal does). */
  static create(ratchetKey: PublicKey | undefined, timestamp: number, deviceId: number) {
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError('timestamp out of range');
    if (!Number.isInteger(deviceId) || deviceId < 0 || deviceId > 0xffff_ffff)
      throw new RangeError('deviceId out of range');
    const w = new ProtobufWriter();
    if (ratchetKey) w.bytes(1, ratchetKey.serialize());
    const bytes = w.uint64(2, BigInt(timestamp)).uint32(3, deviceId).finish();
    return new DecryptionErrorMessage(ratchetKey, timestamp, deviceId, bytes);
  }

  /**
   * The error message for a received message that failed: `bytes` as
   * received, `type` its CiphertextMessageType. A malformed original throws
   * its parser's ProtocolError; a plaintext original (8) is a RangeError,
   * since there was nothing to decrypt.
   */
  static forOriginal(
    bytes: Uint8Array,
    type: number,
    timestamp: number,
    originalSenderDeviceId: number,
  ): DecryptionErrorMessage {
    let raw: Uint8Array | undefined;
    if (type === 2) raw = SignalMessage.deserialize(bytes).ratchetKey;
    else if (type === 3) raw = PreKeySignalMessage.deserialize(bytes).message.ratchetKey;
    else if (type !== 7) throw new RangeError(`no decryption error for message type ${type}`);
    const key = raw === undefined ? undefined : PublicKey.fromPublicKeyBytes(raw);
    return DecryptionErrorMessage.create(key, timestamp, originalSenderDeviceId);
  }

  /** Strict parse; ProtocolError('InvalidMessage'), or 'InvalidKey' for a bad ratchet key. */
  static deserialize(bytes: Uint8Array): DecryptionErrorMessage {
    if (!(bytes instanceof Uint8Array))
      throw new TypeError('DecryptionErrorMessage.deserialize: bytes must be a Uint8Array');
    if (bytes.length > MAX_PLAINTEXT_CONTENT_LENGTH) fail(DECODE, 'too long');
    const f = decodeFields(bytes, FIELDS, DECODE);
    const timestamp = requireUint32(f, 2, DECODE);
    // proto2 optional: libsignal reads a missing device id as 0.
    const device = f.get(3);
    const key = optionalBytes(f, 1);
    return new DecryptionErrorMessage(
      key === undefined ? undefined : PublicKey.deserialize(key),
      timestamp,
      typeof device === 'number' ? device : 0,
      bytes.slice(),
    );
  }

  serialize(): Uint8Array {
    return this.bytes.slice();
  }
}
