/**
 * PlaintextContent, CiphertextMessageType 8 (docs/protocol.md §5.5):
 * `0xC0 ‖ Content ‖ 0x80`, where Content is Signal's content protobuf with
 * only field 8, a DecryptionErrorMessage, and 0x80 is the padding boundary.
 * It is never encrypted by a session (the session is what failed), so it is
 * only ever sent sealed: sealed sender authenticates the sender.
 *
 * @NOTE Stricter than libsignal when reading the body: the Content must hold
 * field 8 and nothing else, and end in exactly one 0x80 (libsignal skips
 * other Content fields). No libsignal encoder writes anything else here.
 */
import { ProtocolError } from '../errors.js';
import { type DecodeOptions, decodeFields, fail, requireBytes } from '../group/proto-fields.js';
import { MAX_PLAINTEXT_CONTENT_LENGTH } from '../limits.js';
import { ProtobufWriter } from '../wire/protobuf.js';
import { DecryptionErrorMessage } from './decryption-error-message.js';

/** The first byte of every PlaintextContent (libsignal's "plaintext context identifier"). */
export const PLAINTEXT_CONTENT_IDENTIFIER = 0xc0;
/** Signal's padding boundary byte, which ends the Content. */
const PADDING_BOUNDARY = 0x80;
const CONTENT_DECRYPTION_ERROR_FIELD = 8;

const DECODE: DecodeOptions = { what: 'PlaintextContent', code: 'InvalidMessage', rejectUnknown: true };

/**
 * @example
 * const pc = PlaintextContent.from(DecryptionErrorMessage.forOriginal(bytes, 3, ts, device));
 * const usmc = UnidentifiedSenderMessageContent.create(pc, cert, ContentHint.Default, null);
 */
export class PlaintextContent {
  private constructor(private readonly bytes: Uint8Array) {}

  /** Wraps a decryption error, the only thing a PlaintextContent carries. */
  static from(message: DecryptionErrorMessage): PlaintextContent {
    const content = new ProtobufWriter().bytes(CONTENT_DECRYPTION_ERROR_FIELD, message.serialize()).finish();
    const bytes = new Uint8Array(content.length + 2);
    bytes[0] = PLAINTEXT_CONTENT_IDENTIFIER;
    bytes.set(content, 1);
    bytes[bytes.length - 1] = PADDING_BOUNDARY;
    return new PlaintextContent(bytes);
  }

  /** Checks the identifier byte only, as libsignal does; the body is read by `decryptionErrorMessage()`. */
  static deserialize(bytes: Uint8Array): PlaintextContent {
    if (!(bytes instanceof Uint8Array))
      throw new TypeError('PlaintextContent.deserialize: bytes must be a Uint8Array');
    if (bytes.length === 0) throw new ProtocolError('InvalidMessage', 'PlaintextContent: empty');
    if (bytes.length > MAX_PLAINTEXT_CONTENT_LENGTH)
      throw new ProtocolError('InvalidMessage', 'PlaintextContent: too long');
    if (bytes[0] !== PLAINTEXT_CONTENT_IDENTIFIER)
      throw new ProtocolError('InvalidMessage', `PlaintextContent: unknown identifier ${bytes[0]}`);
    return new PlaintextContent(bytes.slice());
  }

  /** CiphertextMessageType.Plaintext, so it can be sealed like any ciphertext. */
  type(): 8 {
    return 8;
  }

  serialize(): Uint8Array {
    return this.bytes.slice();
  }

  /** The padded Content after the identifier byte. */
  body(): Uint8Array {
    return this.bytes.slice(1);
  }

  /** The DecryptionErrorMessage it carries; ProtocolError when the body is anything else. */
  decryptionErrorMessage(): DecryptionErrorMessage {
    return extractDecryptionErrorMessage(this.body());
  }
}

/** libsignal's `DecryptionErrorMessage.extractFromSerializedBody`: reads a PlaintextContent body. */
export function extractDecryptionErrorMessage(body: Uint8Array): DecryptionErrorMessage {
  if (body.length === 0 || body[body.length - 1] !== PADDING_BOUNDARY) fail(DECODE, 'no padding boundary');
  const f = decodeFields(body.subarray(0, body.length - 1), { 8: 'bytes' }, DECODE);
  return DecryptionErrorMessage.deserialize(requireBytes(f, CONTENT_DECRYPTION_ERROR_FIELD, DECODE));
}
