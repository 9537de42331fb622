/**
 * The sealed sender v2 sent format (docs/protocol.md §8.4), as a client writes it and a
 * server splits it:
 *
 *   0x23 ‖ varint n ‖ n × ( serviceId(17) ‖ devices ‖ C(32) ‖ AT(16) )  ‖ E(32) ‖ payload
 *   devices = deviceId u8 ‖ u16 BE (bit 15: another device follows; low 14 bits:
 *             registration id), repeated; an excluded recipient is serviceId ‖ 0x00.
 *
 * The parser is strict and bounded by the input: every count and length is
 * checked against the remaining bytes, so hostile input costs linear time.
 */
import { concatBytes } from '../crypto/index.js';
import { ProtocolError } from '../errors.js';
import { SEALED_SENDER_V2_SENT_MAX_LENGTH } from '../limits.js';
import {
  SEALED_SENDER_V2_RECEIVED_VERSION,
  SEALED_SENDER_V2_SENT_VERSION,
  V2_AT_LENGTH,
  V2_C_LENGTH,
  V2_EPHEMERAL_LENGTH,
  V2_KEYS_LENGTH,
  type V2RecipientKeys,
} from './sealed-sender-v2.js';
import { SERVICE_ID_LENGTH, serviceIdFromFixedWidth, writeServiceId } from './service-id.js';

/** Largest device id SSv2 can carry (docs/protocol.md §8.4: 1..127). */
export const V2_MAX_DEVICE_ID = 127;
/** Registration ids are 14-bit in SSv2 (docs/protocol.md §5.6). */
export const V2_MAX_REGISTRATION_ID = 0x3fff;
const MORE_DEVICES = 0x8000;
const TAG_LENGTH = 16;

/** One device of a recipient. */
export interface V2Device {
  readonly deviceId: number;
  readonly registrationId: number;
}

/** One recipient entry: its devices and its key material. */
export interface V2Recipient extends V2RecipientKeys, V2RecipientDevices {}

/** A parsed sent message, ready to fan out. */
export interface SealedSenderMultiRecipientMessage {
  readonly recipients: ReadonlyMap<string, V2Recipient>;
  readonly excluded: readonly string[];
  /** The 0x22 received-format bytes for `serviceId` (the same for all its devices). */
  messageForRecipient(serviceId: string): Uint8Array;
}

/** Bytes of a count as the sent format's varint. */
function varintLength(value: number): number {
  let n = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 128)) n++;
  return n;
}

function writeVarint(value: number, out: Uint8Array, offset: number): number {
  let at = offset;
  let v = value;
  while (v >= 0x80) {
    out[at++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  out[at++] = v;
  return at;
}

function checkDevices(r: V2RecipientDevices): void {
  if (r.devices.length === 0) throw new RangeError(`recipient ${r.serviceId} has no devices`);
  for (const d of r.devices) {
    if (!Number.isInteger(d.deviceId) || d.deviceId < 1 || d.deviceId > V2_MAX_DEVICE_ID) {
      throw new RangeError(`device id ${d.deviceId} out of 1..127`);
    }
    if (
      !Number.isInteger(d.registrationId) ||
      d.registrationId < 0 ||
      d.registrationId > V2_MAX_REGISTRATION_ID
    ) {
      throw new RangeError(`registration id ${d.registrationId} is not 14-bit`);
    }
  }
}

/** A recipient entry before its key material: who, and which devices. */
export interface V2RecipientDevices {
  readonly serviceId: string;
  readonly devices: readonly V2Device[];
}

/**
 * Encodes the sent format into one buffer sized up front; `writeKeys(i, out,
 * offset)` writes recipient i's C ‖ AT (V2_KEYS_LENGTH bytes) in place, so a
 * sender derives each recipient's keys straight into the message.
 *
 * @example
 * const bytes = encodeSealedSenderV2SentInPlace(entries, [], v2.ephemeralPublic, v2.payload,
 *   (i, out, at) => v2.writeKeysInto(keys[i], out, at));
 */
export function encodeSealedSenderV2SentInPlace(
  recipients: readonly V2RecipientDevices[],
  excluded: readonly string[],
  ephemeralPublic: Uint8Array,
  payload: Uint8Array,
  writeKeys: (index: number, out: Uint8Array, offset: number) => void,
): Uint8Array {
  if (ephemeralPublic.length !== V2_EPHEMERAL_LENGTH) throw new RangeError('ephemeral key must be 32 bytes');
  const count = recipients.length + excluded.length;
  let length = 1 + varintLength(count) + excluded.length * (SERVICE_ID_LENGTH + 1);
  for (const r of recipients) {
    checkDevices(r);
    length += SERVICE_ID_LENGTH + 3 * r.devices.length + V2_KEYS_LENGTH;
  }
  length += V2_EPHEMERAL_LENGTH + payload.length;
  const out = new Uint8Array(length);
  out[0] = SEALED_SENDER_V2_SENT_VERSION;
  let at = writeVarint(count, out, 1);
  for (let i = 0; i < recipients.length; i++) {
    const r = recipients[i] as V2RecipientDevices;
    writeServiceId(r.serviceId, out, at);
    at += SERVICE_ID_LENGTH;
    const last = r.devices.length - 1;
    for (let j = 0; j <= last; j++) {
      const d = r.devices[j] as V2Device;
      const word = (j < last ? MORE_DEVICES : 0) | d.registrationId;
      out[at] = d.deviceId;
      out[at + 1] = word >> 8;
      out[at + 2] = word & 0xff;
      at += 3;
    }
    writeKeys(i, out, at);
    at += V2_KEYS_LENGTH;
  }
  for (const serviceId of excluded) {
    writeServiceId(serviceId, out, at);
    at += SERVICE_ID_LENGTH + 1; // device id 0: left out on purpose
  }
  out.set(ephemeralPublic, at);
  out.set(payload, at + V2_EPHEMERAL_LENGTH);
  return out;
}

/**
 * Encodes the sent format from key material already derived.
 *
 * @example
 * const bytes = encodeSealedSenderV2Sent(recipients, [], v2.ephemeralPublic, v2.payload);
 */
export function encodeSealedSenderV2Sent(
  recipients: readonly V2Recipient[],
  excluded: readonly string[],
  ephemeralPublic: Uint8Array,
  payload: Uint8Array,
): Uint8Array {
  for (const r of recipients)
    if (r.c.length !== V2_C_LENGTH || r.at.length !== V2_AT_LENGTH)
      throw new RangeError(`recipient ${r.serviceId}: C must be 32 bytes and AT 16`);
  return encodeSealedSenderV2SentInPlace(recipients, excluded, ephemeralPublic, payload, (i, out, at) => {
    const r = recipients[i] as V2Recipient;
    out.set(r.c, at);
    out.set(r.at, at + V2_C_LENGTH);
  });
}

function invalid(message: string): never {
  throw new ProtocolError('InvalidMessage', `sealed sender v2 sent message: ${message}`);
}

/** A bounds-checked cursor over the input. */
class Cursor {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  take(n: number): Uint8Array {
    if (n > this.bytes.length - this.pos) invalid('truncated');
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  byte(): number {
    return this.take(1)[0] as number;
  }
  varint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
    }
    return invalid('count varint too long');
  }
}

function readDevices(cursor: Cursor): V2Device[] | undefined {
  const devices: V2Device[] = [];
  for (;;) {
    const deviceId = cursor.byte();
    if (deviceId === 0 && devices.length === 0) return undefined; // excluded recipient
    if (deviceId === 0 || deviceId > V2_MAX_DEVICE_ID) invalid(`bad device id ${deviceId}`);
    const word = ((cursor.byte() << 8) | cursor.byte()) >>> 0;
    if ((word & 0x4000) !== 0) invalid('reserved registration id bit set');
    devices.push({ deviceId, registrationId: word & V2_MAX_REGISTRATION_ID });
    if ((word & MORE_DEVICES) === 0) return devices;
  }
}

/**
 * Parses a sent (0x23) message, e.g. on the server before fan-out. Throws
 * ProtocolError: InvalidMessage (malformed), UnsupportedVersion (other versions).
 *
 * @example
 * const parsed = parseSealedSenderMultiRecipientMessage(bytes);
 * for (const [serviceId, r] of parsed.recipients) deliver(serviceId, r.devices, parsed.messageForRecipient(serviceId));
 */
export function parseSealedSenderMultiRecipientMessage(bytes: Uint8Array): SealedSenderMultiRecipientMessage {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('sealed sender v2 message must be a Uint8Array');
  if (bytes.length > SEALED_SENDER_V2_SENT_MAX_LENGTH) invalid('too long');
  const cursor = new Cursor(bytes);
  const version = cursor.byte();
  if (version !== SEALED_SENDER_V2_SENT_VERSION) {
    throw new ProtocolError('UnsupportedVersion', `sealed sender v2 sent version 0x${version.toString(16)}`);
  }
  const count = cursor.varint();
  const recipients = new Map<string, V2Recipient>();
  const excluded: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const serviceId =
      serviceIdFromFixedWidth(cursor.take(SERVICE_ID_LENGTH)) ?? invalid('unknown service id kind');
    if (seen.has(serviceId)) invalid('recipient listed twice');
    seen.add(serviceId);
    const devices = readDevices(cursor);
    if (devices === undefined) excluded.push(serviceId);
    else
      recipients.set(serviceId, {
        serviceId,
        devices,
        c: cursor.take(V2_C_LENGTH),
        at: cursor.take(V2_AT_LENGTH),
      });
  }
  const ephemeralPublic = cursor.take(V2_EPHEMERAL_LENGTH);
  const payload = bytes.subarray(cursor.pos);
  if (payload.length < TAG_LENGTH) invalid('payload too short');
  return {
    recipients,
    excluded,
    messageForRecipient(serviceId: string): Uint8Array {
      const r = recipients.get(serviceId);
      if (r === undefined) throw new RangeError(`${serviceId} is not a recipient of this message`);
      return concatBytes(
        Uint8Array.of(SEALED_SENDER_V2_RECEIVED_VERSION),
        r.c,
        r.at,
        ephemeralPublic,
        payload,
      );
    },
  };
}
