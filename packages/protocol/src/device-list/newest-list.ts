/**
 * The rule a sender applies to every device list the server hands it: signed
 * by the contact's identity key, for the contact's account, and never older
 * than the newest one already verified. A server can withhold a list but
 * cannot roll one back or fork a version.
 */
import { ProtocolError } from '../errors.js';
import type { PublicKey } from '../keys/public-key.js';
import type { SignedDeviceList } from './device-list.js';

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Returns the list to keep: `incoming` when it verifies and is newer than
 * `current`, `current` when it is the very same list. Throws
 * ProtocolError 'InvalidDeviceList' (another account's list),
 * 'InvalidSignature' (not signed by `identityKey`) or 'StaleDeviceList'
 * (older than `current`, or the same version with other content).
 * `current` must be a list already verified under `identityKey`.
 * @example known = newestDeviceList(known, SignedDeviceList.decode(bytes), contactKey, contactId);
 */
export function newestDeviceList(
  current: SignedDeviceList | undefined,
  incoming: SignedDeviceList,
  identityKey: PublicKey,
  accountId: Uint8Array,
): SignedDeviceList {
  if (!sameBytes(incoming.accountId, accountId)) {
    throw new ProtocolError('InvalidDeviceList', 'device list: it names another account', {
      reason: 'wrong account',
    });
  }
  if (!incoming.verify(identityKey)) {
    throw new ProtocolError('InvalidSignature', 'device list: not signed by the identity key');
  }
  if (!current) return incoming;
  if (incoming.version < current.version) {
    throw new ProtocolError(
      'StaleDeviceList',
      `device list: version ${incoming.version} is older than the verified version ${current.version}`,
      { version: incoming.version, newest: current.version },
    );
  }
  if (incoming.version === current.version) {
    if (incoming.equals(current)) return current;
    throw new ProtocolError(
      'StaleDeviceList',
      `device list: a different list with the verified version ${current.version}`,
      { version: incoming.version, newest: current.version },
    );
  }
  return incoming;
}
