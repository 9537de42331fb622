/**
 * PreKeySignalMessage, the type-3 wire message an initiator sends until the
 * first reply (docs/protocol.md §5.3): `versionByte ‖ protobuf`, no
 * outer MAC. The embedded SignalMessage carries the MAC; the responder checks
 * no signature. Parsing is strict: version 4 only, and the Kyber fields are
 * required, so a PreKey message can never set up a classic X3DH session.
 */
import { ProtocolError } from '../errors.js';
import { PublicKey } from '../keys/index.js';
import { KEM_CIPHERTEXT_LENGTH, MAX_PREKEY_SIGNAL_MESSAGE_LENGTH } from '../limits.js';
import { ProtobufReader, ProtobufWriter, WireType } from '../wire/protobuf.js';
import {
  CURRENT_MESSAGE_VERSION,
  checkVersionByte,
  expectWireType,
  SignalMessage,
} from './signal-message.js';

/** Fields of a PreKeySignalMessage. Keys are serialized (33 bytes). */
export interface PreKeySignalMessageFields {
  messageVersion: number;
  registrationId: number;
  preKeyId: number | undefined;
  signedPreKeyId: number;
  kyberPreKeyId: number;
  /** KEM ciphertext with its type byte. */
  kyberCiphertext: Uint8Array;
  baseKey: Uint8Array;
  identityKey: Uint8Array;
  message: SignalMessage;
}

/**
 * @example
 * const m = PreKeySignalMessage.deserialize(bytes);
 * const plaintext = await signalDecryptPreKey(m, alice, stores);
 */
export class PreKeySignalMessage {
  private constructor(
    readonly messageVersion: number,
    readonly registrationId: number,
    readonly preKeyId: number | undefined,
    readonly signedPreKeyId: number,
    readonly kyberPreKeyId: number,
    readonly kyberCiphertext: Uint8Array,
    /** Serialized (33-byte) base key of the initiator. */
    readonly baseKey: Uint8Array,
    /** Serialized (33-byte) identity key of the sender. */
    readonly identityKey: Uint8Array,
    readonly message: SignalMessage,
    private readonly bytes: Uint8Array,
  ) {}

  /** Encodes in tag order 1..8, as libsignal emits (§5.3). */
  static create(f: PreKeySignalMessageFields): PreKeySignalMessage {
    const w = new ProtobufWriter();
    if (f.preKeyId !== undefined) w.uint32(1, f.preKeyId);
    const proto = w
      .bytes(2, f.baseKey)
      .bytes(3, f.identityKey)
      .bytes(4, f.message.serialize())
      .uint32(5, f.registrationId)
      .uint32(6, f.signedPreKeyId)
      .uint32(7, f.kyberPreKeyId)
      .bytes(8, f.kyberCiphertext)
      .finish();
    const bytes = new Uint8Array(1 + proto.length);
    bytes[0] = (f.messageVersion << 4) | CURRENT_MESSAGE_VERSION;
    bytes.set(proto, 1);
    return new PreKeySignalMessage(
      f.messageVersion,
      f.registrationId,
      f.preKeyId,
      f.signedPreKeyId,
      f.kyberPreKeyId,
      f.kyberCiphertext,
      f.baseKey,
      f.identityKey,
      f.message,
      bytes,
    );
  }

  /** Strict parse; throws ProtocolError('InvalidMessage' | 'InvalidKey' | 'LegacyMessage' | 'UnsupportedVersion'). */
  static deserialize(input: Uint8Array): PreKeySignalMessage {
    if (!(input instanceof Uint8Array)) {
      throw new TypeError('PreKeySignalMessage.deserialize: bytes must be a Uint8Array');
    }
    if (input.length > MAX_PREKEY_SIGNAL_MESSAGE_LENGTH)
      throw new ProtocolError('InvalidMessage', 'message too long');
    const version = checkVersionByte(input[0]);
    const bytes = input.slice();
    const f = readFields(bytes.subarray(1));
    return new PreKeySignalMessage(
      version,
      f.registrationId,
      f.preKeyId,
      f.signedPreKeyId,
      f.kyberPreKeyId,
      f.kyberCiphertext,
      f.baseKey,
      f.identityKey,
      f.message,
      bytes,
    );
  }

  serialize(): Uint8Array {
    return this.bytes;
  }
}

type ParsedFields = Omit<PreKeySignalMessageFields, 'messageVersion'>;

const VARINT_FIELDS = new Set([1, 5, 6, 7]);

function readFields(proto: Uint8Array): ParsedFields {
  const r = new ProtobufReader(proto);
  const f: Partial<ParsedFields> = { registrationId: 0 };
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field > 8) {
      r.skip(wireType);
      continue;
    }
    expectWireType(field, wireType, VARINT_FIELDS.has(field) ? WireType.Varint : WireType.LengthDelimited);
    if (field === 1) f.preKeyId = r.uint32();
    else if (field === 2) f.baseKey = PublicKey.deserialize(r.bytes()).serialize();
    else if (field === 3) f.identityKey = PublicKey.deserialize(r.bytes()).serialize();
    else if (field === 4) f.message = SignalMessage.deserialize(r.bytes());
    else if (field === 5) f.registrationId = r.uint32();
    else if (field === 6) f.signedPreKeyId = r.uint32();
    else if (field === 7) f.kyberPreKeyId = r.uint32();
    else f.kyberCiphertext = r.bytes().slice();
  }
  return requireFields(f);
}

function requireFields(f: Partial<ParsedFields>): ParsedFields {
  const { baseKey, identityKey, message, signedPreKeyId, kyberPreKeyId, kyberCiphertext } = f;
  if (
    baseKey === undefined ||
    identityKey === undefined ||
    message === undefined ||
    signedPreKeyId === undefined
  ) {
    throw new ProtocolError('InvalidMessage', 'PreKeySignalMessage: missing required field');
  }
  if (kyberPreKeyId === undefined || kyberCiphertext === undefined) {
    throw new ProtocolError('InvalidMessage', 'Kyber pre key must be present for this session version');
  }
  if (kyberCiphertext.length !== 1 + KEM_CIPHERTEXT_LENGTH) {
    throw new ProtocolError('InvalidMessage', 'bad Kyber ciphertext length');
  }
  return {
    registrationId: f.registrationId ?? 0,
    preKeyId: f.preKeyId,
    signedPreKeyId,
    kyberPreKeyId,
    kyberCiphertext,
    baseKey,
    identityKey,
    message,
  };
}
