/**
 * The address binding of SignalMessage field 6 (libsignal ≥ 0.101): in the
 * SignalMessage inside a PreKey message, when both ends' names are Signal
 * service ids, the sender writes
 *
 *   fixed-width service id of the sender (17) ‖ sender device (1) ‖
 *   fixed-width service id of the recipient (17) ‖ recipient device (1)
 *
 * under the MAC, and the recipient refuses any message bound to other
 * addresses. A fixed-width service id is a kind byte (0 ACI, 1 PNI) and the
 * 16 UUID bytes; the string forms are a hyphenated UUID (ACI) and
 * "PNI:" + hyphenated UUID, case-insensitive, as libsignal parses them.
 */
import type { ProtocolAddress } from './address.js';

/** 36 bytes: two 17-byte service ids and two device bytes. */
export const ADDRESS_BINDING_LENGTH = 36;

const HYPHENATED = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The fixed-width binary of a service id string, or undefined when the name is not one. */
export function serviceIdFixedWidth(name: string): Uint8Array | undefined {
  const pni = name.startsWith('PNI:');
  const uuid = pni ? name.slice(4) : name;
  if (!HYPHENATED.test(uuid)) return undefined;
  const hex = uuid.replaceAll('-', '');
  const out = new Uint8Array(17);
  out[0] = pni ? 1 : 0;
  for (let i = 0; i < 16; i++) out[i + 1] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The binding of a message from `sender` to `recipient`, or undefined when either is not a service id. */
export function addressBinding(sender: ProtocolAddress, recipient: ProtocolAddress): Uint8Array | undefined {
  const s = serviceIdFixedWidth(sender.name);
  const r = serviceIdFixedWidth(recipient.name);
  if (s === undefined || r === undefined || sender.deviceId > 0xff || recipient.deviceId > 0xff)
    return undefined;
  const out = new Uint8Array(ADDRESS_BINDING_LENGTH);
  out.set(s, 0);
  out[17] = sender.deviceId;
  out.set(r, 18);
  out[35] = recipient.deviceId;
  return out;
}
