/**
 * The signed device list (docs/device-list.md): an account's device ids with
 * each device's registration id, a version number, signed by the account's
 * identity key with XEdDSA. The server stores and serves it but holds no
 * identity key, so it cannot make one; a sender encrypts only to the devices
 * of the newest list it verified.
 *
 * Encoding (big-endian, one canonical form):
 *   0x01 | accountId[16] | version u32 (>= 1) | count u8 (1..MAX) |
 *   count × (deviceId u16 (1..999, strictly ascending) | registrationId u32) |
 *   signature[64]
 * The signature covers DOMAIN ‖ every byte before it, so a list cannot be
 * passed off as another signed object of the same key.
 */
import { ProtocolError } from '../errors.js';
import type { PrivateKey } from '../keys/private-key.js';
import type { PublicKey } from '../keys/public-key.js';

/** Format byte of this encoding. */
export const DEVICE_LIST_FORMAT = 1;
/** Most devices a list may hold (wire's MAX_DEVICES_PER_ACCOUNT). */
export const MAX_LISTED_DEVICES = 8;
/** Highest device id the server hands out. */
export const MAX_LISTED_DEVICE_ID = 999;

const ACCOUNT_ID_BYTES = 16;
const HEADER_BYTES = 1 + ACCOUNT_ID_BYTES + 4 + 1;
const ENTRY_BYTES = 6;
const SIGNATURE_BYTES = 64;
const DOMAIN = new TextEncoder().encode('tacet device list v1\0');

export interface ListedDevice {
  deviceId: number;
  registrationId: number;
}

export interface DeviceListContent {
  accountId: Uint8Array;
  version: number;
  devices: ListedDevice[];
}

function invalid(reason: string): ProtocolError {
  return new ProtocolError('InvalidDeviceList', `device list: ${reason}`, { reason });
}

function checkContent(c: DeviceListContent): void {
  if (!(c.accountId instanceof Uint8Array) || c.accountId.length !== ACCOUNT_ID_BYTES)
    throw new RangeError('device list: accountId must be 16 bytes');
  if (!Number.isInteger(c.version) || c.version < 1 || c.version > 0xffffffff)
    throw new RangeError('device list: version must be 1..2^32-1');
  if (c.devices.length < 1 || c.devices.length > MAX_LISTED_DEVICES)
    throw new RangeError(`device list: 1..${MAX_LISTED_DEVICES} devices`);
  for (const d of c.devices) {
    if (!Number.isInteger(d.deviceId) || d.deviceId < 1 || d.deviceId > MAX_LISTED_DEVICE_ID)
      throw new RangeError('device list: deviceId must be 1..999');
    if (!Number.isInteger(d.registrationId) || d.registrationId < 0 || d.registrationId > 0xffffffff)
      throw new RangeError('device list: registrationId must fit 32 bits');
  }
}

function encodeBody(c: DeviceListContent): Uint8Array {
  const devices = [...c.devices].sort((a, b) => a.deviceId - b.deviceId);
  for (let i = 1; i < devices.length; i++) {
    if (devices[i]?.deviceId === devices[i - 1]?.deviceId)
      throw new RangeError('device list: duplicate deviceId');
  }
  const out = new Uint8Array(HEADER_BYTES + devices.length * ENTRY_BYTES);
  const view = new DataView(out.buffer);
  out[0] = DEVICE_LIST_FORMAT;
  out.set(c.accountId, 1);
  view.setUint32(1 + ACCOUNT_ID_BYTES, c.version);
  out[HEADER_BYTES - 1] = devices.length;
  devices.forEach((d, i) => {
    const at = HEADER_BYTES + i * ENTRY_BYTES;
    view.setUint16(at, d.deviceId);
    view.setUint32(at + 2, d.registrationId);
  });
  return out;
}

function signedMessage(body: Uint8Array): Uint8Array {
  const m = new Uint8Array(DOMAIN.length + body.length);
  m.set(DOMAIN);
  m.set(body, DOMAIN.length);
  return m;
}

/**
 * A decoded device list: its content and exact bytes. Decoding checks the
 * form only; {@link SignedDeviceList.verify} checks the signature.
 * @example
 * const list = SignedDeviceList.sign({ accountId, version: 1, devices: [{ deviceId: 1, registrationId }] }, identity.privateKey);
 * SignedDeviceList.decode(list.serialize()).verify(identity.publicKey); // true
 */
export class SignedDeviceList implements DeviceListContent {
  private constructor(
    readonly accountId: Uint8Array,
    readonly version: number,
    readonly devices: ListedDevice[],
    private readonly body: Uint8Array,
    readonly signature: Uint8Array,
  ) {}

  /** Signs `content` (devices in any order; encoded ascending). */
  static sign(content: DeviceListContent, key: PrivateKey): SignedDeviceList {
    checkContent(content);
    const body = encodeBody(content);
    const signature = key.sign(signedMessage(body));
    return SignedDeviceList.decode(concat(body, signature));
  }

  /** Parses the canonical encoding; ProtocolError('InvalidDeviceList') with a reason otherwise. */
  static decode(bytes: Uint8Array): SignedDeviceList {
    if (!(bytes instanceof Uint8Array))
      throw new TypeError('SignedDeviceList.decode: bytes must be a Uint8Array');
    if (bytes.length < HEADER_BYTES + SIGNATURE_BYTES) throw invalid('truncated');
    if (bytes[0] !== DEVICE_LIST_FORMAT) throw invalid(`unknown format ${bytes[0]}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const version = view.getUint32(1 + ACCOUNT_ID_BYTES);
    if (version < 1) throw invalid('version 0');
    const count = bytes[HEADER_BYTES - 1] as number;
    if (count < 1 || count > MAX_LISTED_DEVICES) throw invalid(`device count ${count}`);
    const bodyLength = HEADER_BYTES + count * ENTRY_BYTES;
    if (bytes.length !== bodyLength + SIGNATURE_BYTES) throw invalid('length does not match device count');
    const devices: ListedDevice[] = [];
    for (let i = 0; i < count; i++) {
      const at = HEADER_BYTES + i * ENTRY_BYTES;
      const deviceId = view.getUint16(at);
      if (deviceId < 1 || deviceId > MAX_LISTED_DEVICE_ID) throw invalid(`device id ${deviceId}`);
      const prev = devices[i - 1];
      if (prev && deviceId <= prev.deviceId) throw invalid('device ids not strictly ascending');
      devices.push({ deviceId, registrationId: view.getUint32(at + 2) });
    }
    const copy = bytes.slice();
    return new SignedDeviceList(
      copy.slice(1, 1 + ACCOUNT_ID_BYTES),
      version,
      devices,
      copy.subarray(0, bodyLength),
      copy.subarray(bodyLength),
    );
  }

  /** Whether the signature is `identityKey`'s over this list. */
  verify(identityKey: PublicKey): boolean {
    return identityKey.verifySignature(signedMessage(this.body), this.signature);
  }

  /** The exact bytes (body and signature). */
  serialize(): Uint8Array {
    return concat(this.body, this.signature);
  }

  /** The listed entry for `deviceId`, if any. */
  device(deviceId: number): ListedDevice | undefined {
    return this.devices.find((d) => d.deviceId === deviceId);
  }

  /** Same content and signature bytes. */
  equals(other: SignedDeviceList): boolean {
    const a = this.serialize();
    const b = other.serialize();
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
