/**
 * Service ids in sealed sender v2's fixed-width binary form (docs/protocol.md §8.4):
 * 17 bytes, a kind byte (0x00 ACI, 0x01 PNI) then the 16 UUID bytes. The
 * textual form is the bare UUID for an ACI and "PNI:<uuid>" for a PNI, as
 * libsignal spells them.
 */
import { distributionIdFromBytes, uuidBytesInto } from '../group/distribution-id.js';

/** Length of a fixed-width service id. */
export const SERVICE_ID_LENGTH = 17;
const PNI_PREFIX = 'PNI:';

/**
 * Writes the 17-byte form of a service id string into `out` at `offset`;
 * throws a TypeError on anything that is not an ACI or PNI string (our own
 * caller's misuse).
 *
 * @example
 * writeServiceId('9d0652a3-dcc3-4d11-975f-74d61598733f', out, 0); // out[0] === 0x00 (ACI)
 */
export function writeServiceId(serviceId: string, out: Uint8Array, offset: number): void {
  if (offset < 0 || offset + SERVICE_ID_LENGTH > out.length) throw new RangeError('service id does not fit');
  const isPni = typeof serviceId === 'string' && serviceId.startsWith(PNI_PREFIX);
  const uuid = isPni ? serviceId.slice(PNI_PREFIX.length) : serviceId;
  if (!uuidBytesInto(uuid, out, offset + 1)) throw new TypeError(`not a service id: ${serviceId}`);
  out[offset] = isPni ? 1 : 0;
}

/**
 * The 17-byte form of a service id string (see writeServiceId).
 *
 * @example
 * serviceIdToFixedWidth('9d0652a3-dcc3-4d11-975f-74d61598733f')[0]; // 0x00 (ACI)
 */
export function serviceIdToFixedWidth(serviceId: string): Uint8Array {
  const out = new Uint8Array(SERVICE_ID_LENGTH);
  writeServiceId(serviceId, out, 0);
  return out;
}

/**
 * The string form of a 17-byte service id, or undefined for an unknown kind.
 *
 * @example
 * serviceIdFromFixedWidth(bytes); // 'PNI:0b6e1b0e-…' or a bare ACI uuid
 */
export function serviceIdFromFixedWidth(bytes: Uint8Array): string | undefined {
  if (bytes.length !== SERVICE_ID_LENGTH) return undefined;
  const uuid = distributionIdFromBytes(bytes.subarray(1));
  if (bytes[0] === 0) return uuid;
  if (bytes[0] === 1) return `${PNI_PREFIX}${uuid}`;
  return undefined;
}
