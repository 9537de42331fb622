/**
 * SignalMessage, the type-2 wire message (docs/protocol.md §5.1–5.2):
 * `versionByte ‖ protobuf{1 ratchet_key, 2 counter, 3 previous_counter,
 * 4 ciphertext, 5 pq_ratchet} ‖ MAC(8)`. Field 5 carries the SPQR payload
 * (docs/spqr.md) and is written only when non-empty, as libsignal 0.103 does;
 * field 6 is libsignal's optional address binding (address-binding.ts), which
 * the receiver checks when it knows its own address. Later fields are skipped.
 * Parsing is strict and bounded; the MAC itself is checked by the ratchet,
 * which owns the keys.
 */
import { primitives } from '../crypto/index.js';
import { ProtocolError } from '../errors.js';
import { PublicKey } from '../keys/index.js';
import { MAX_SIGNAL_MESSAGE_LENGTH } from '../limits.js';
import { ProtobufReader, ProtobufWriter, WireType } from '../wire/protobuf.js';

/** Truncated HMAC-SHA256 appended to every SignalMessage (§4.2). */
export const MAC_LENGTH = 8;
/** High nibble of a v4 session's version byte. */
export const CURRENT_MESSAGE_VERSION = 4;

/** Keys, lengths and varints of SignalMessage's six fields, at most (5 × 2 + 4 + 3 × 5 + 5 bytes). */
const FIELD_OVERHEAD = 40;

/** Fields of a SignalMessage to encode. */
export interface SignalMessageFields {
  messageVersion: number;
  macKey: Uint8Array;
  /** Serialized (33-byte) identity keys, sender = whoever encrypts. */
  senderIdentityKey: Uint8Array;
  receiverIdentityKey: Uint8Array;
  /** Raw 32-byte ratchet public key. */
  ratchetKey: Uint8Array;
  counter: number;
  previousCounter: number;
  ciphertext: Uint8Array;
  /** The SPQR payload (field 5); empty for a classic session. */
  pqRatchet?: Uint8Array;
  /** The address binding (field 6), when both addresses are service ids. */
  addresses?: Uint8Array;
}

/** `HMAC(macKey, ser(IK_sender) ‖ ser(IK_receiver) ‖ versionByte ‖ protobuf)[0..8]` (§4.2). */
export function computeMac(
  macKey: Uint8Array,
  senderIdentityKey: Uint8Array,
  receiverIdentityKey: Uint8Array,
  body: Uint8Array,
): Uint8Array {
  const input = new Uint8Array(senderIdentityKey.length + receiverIdentityKey.length + body.length);
  input.set(senderIdentityKey, 0);
  input.set(receiverIdentityKey, senderIdentityKey.length);
  input.set(body, senderIdentityKey.length + receiverIdentityKey.length);
  return primitives.hmacSha256(macKey, input).subarray(0, MAC_LENGTH);
}

/** Reads a version byte's high nibble and refuses anything but the current version (§5.1). */
export function checkVersionByte(byte: number | undefined): number {
  if (byte === undefined) throw new ProtocolError('InvalidMessage', 'empty message');
  const version = byte >> 4;
  if (version < 3) throw new ProtocolError('LegacyMessage', `legacy ciphertext version ${version}`);
  // Version 3 is X3DH without Kyber: tacet never falls back to it (§3, parse-time rules).
  if (version !== CURRENT_MESSAGE_VERSION) {
    throw new ProtocolError('UnsupportedVersion', `unrecognized message version ${version}`, { version });
  }
  return version;
}

/** Adds the 0x05 type byte to a raw 32-byte public key. */
export function serializePublic(raw: Uint8Array): Uint8Array {
  const out = new Uint8Array(33);
  out[0] = 0x05;
  out.set(raw, 1);
  return out;
}

/**
 * @example
 * const message = SignalMessage.deserialize(bytes); // throws ProtocolError on malformed input
 * await signalDecrypt(message, alice, stores);
 */
export class SignalMessage {
  private constructor(
    /** High nibble of the version byte. */
    readonly messageVersion: number,
    /** Raw 32-byte ratchet public key. */
    readonly ratchetKey: Uint8Array,
    readonly counter: number,
    readonly previousCounter: number,
    readonly ciphertext: Uint8Array,
    /** The SPQR payload of field 5, empty when absent. */
    readonly pqRatchet: Uint8Array,
    /** The address binding of field 6, undefined when absent. */
    readonly addresses: Uint8Array | undefined,
    private readonly bytes: Uint8Array,
  ) {}

  /** Encodes and MACs a message; fields go in tag order, zeros included, as libsignal does. */
  static create(f: SignalMessageFields): SignalMessage {
    const pqRatchet = f.pqRatchet ?? EMPTY;
    // Sized up front: regrowing from the default 64 bytes cost two more copies per message.
    const capacity =
      33 + f.ciphertext.length + pqRatchet.length + (f.addresses?.length ?? 0) + FIELD_OVERHEAD;
    const writer = new ProtobufWriter(capacity)
      .bytes(1, serializePublic(f.ratchetKey))
      .uint32(2, f.counter)
      .uint32(3, f.previousCounter)
      .bytes(4, f.ciphertext);
    if (pqRatchet.length > 0) writer.bytes(5, pqRatchet);
    if (f.addresses !== undefined) writer.bytes(6, f.addresses);
    const proto = writer.finish();
    const bytes = new Uint8Array(1 + proto.length + MAC_LENGTH);
    bytes[0] = (f.messageVersion << 4) | CURRENT_MESSAGE_VERSION;
    bytes.set(proto, 1);
    const body = bytes.subarray(0, 1 + proto.length);
    bytes.set(computeMac(f.macKey, f.senderIdentityKey, f.receiverIdentityKey, body), body.length);
    return new SignalMessage(
      f.messageVersion,
      f.ratchetKey,
      f.counter,
      f.previousCounter,
      f.ciphertext,
      pqRatchet,
      f.addresses,
      bytes,
    );
  }

  /** Strict parse; throws ProtocolError('InvalidMessage' | 'LegacyMessage' | 'UnsupportedVersion'). */
  static deserialize(input: Uint8Array): SignalMessage {
    if (!(input instanceof Uint8Array))
      throw new TypeError('SignalMessage.deserialize: bytes must be a Uint8Array');
    if (input.length > MAX_SIGNAL_MESSAGE_LENGTH)
      throw new ProtocolError('InvalidMessage', 'message too long');
    if (input.length < 1 + MAC_LENGTH) throw new ProtocolError('InvalidMessage', 'message too short');
    const version = checkVersionByte(input[0]);
    // Copy once so later mutation of the caller's buffer cannot change what we verified.
    const bytes = input.slice();
    const fields = readFields(bytes.subarray(1, bytes.length - MAC_LENGTH));
    return new SignalMessage(
      version,
      fields.ratchetKey,
      fields.counter,
      fields.previousCounter,
      fields.ciphertext,
      fields.pqRatchet,
      fields.addresses,
      bytes,
    );
  }

  serialize(): Uint8Array {
    return this.bytes;
  }

  /** The bytes the MAC covers: version byte and protobuf. */
  get macInput(): Uint8Array {
    return this.bytes.subarray(0, this.bytes.length - MAC_LENGTH);
  }

  /** The transmitted 8-byte MAC. */
  get mac(): Uint8Array {
    return this.bytes.subarray(this.bytes.length - MAC_LENGTH);
  }
}

interface ParsedFields {
  ratchetKey: Uint8Array;
  counter: number;
  previousCounter: number;
  ciphertext: Uint8Array;
  pqRatchet: Uint8Array;
  addresses: Uint8Array | undefined;
}

const EMPTY = new Uint8Array(0);

function readFields(proto: Uint8Array): ParsedFields {
  const r = new ProtobufReader(proto);
  let ratchetKey: Uint8Array | undefined;
  let counter: number | undefined;
  let previousCounter = 0;
  let ciphertext: Uint8Array | undefined;
  let pqRatchet: Uint8Array = EMPTY;
  let addresses: Uint8Array | undefined;
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 5 || field === 6) {
      expectWireType(field, wireType, WireType.LengthDelimited);
      if (field === 5) pqRatchet = r.bytes();
      else addresses = r.bytes();
      continue;
    }
    if (field > 4) {
      r.skip(wireType);
      continue;
    }
    expectWireType(field, wireType, field === 2 || field === 3 ? WireType.Varint : WireType.LengthDelimited);
    if (field === 1) ratchetKey = PublicKey.deserialize(r.bytes()).bytes;
    else if (field === 2) counter = r.uint32();
    else if (field === 3) previousCounter = r.uint32();
    else ciphertext = r.bytes();
  }
  if (ratchetKey === undefined || counter === undefined || ciphertext === undefined) {
    throw new ProtocolError('InvalidMessage', 'SignalMessage: missing required field');
  }
  return { ratchetKey, counter, previousCounter, ciphertext, pqRatchet, addresses };
}

/** A known field with the wrong wire type is malformed, as in every protobuf decoder. */
export function expectWireType(field: number, actual: WireType, expected: WireType): void {
  if (actual !== expected)
    throw new ProtocolError('InvalidMessage', `field ${field}: wrong wire type ${actual}`);
}
