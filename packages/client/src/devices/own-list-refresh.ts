/**
 * Catching up with our own signed device list. Another device of the account
 * may have signed a newer one (it linked or removed a device), and this one
 * hears of it only from a message: from a sibling it does not know, or
 * announcing a newer version. It then fetches the list as the server serves
 * it, and keeps it only if our identity key signed it and it is not older
 * than the one held — the server can withhold or replay lists, never make
 * one, so a device no signed list names stays refused.
 */
import { newestDeviceList, ProtocolError, SignedDeviceList } from '@tacet/protocol';
import { fromBase64Url, parseAccountId } from '@tacet/wire';
import { ClientError } from '../errors.js';
import type { ProtocolStores } from '../sessions/protocol-stores.js';
import { adoptDeviceList, ownDeviceList } from './own-device-list.js';

/** Fetches our own signed list as the server serves it now (base64url), undefined if it serves none. */
export type ServedOwnList = () => Promise<string | undefined>;

/**
 * Whether a message from our own device `deviceId`, announcing list version
 * `announced`, says our own list is out of date.
 */
export async function ownListOutOfDate(
  stores: ProtocolStores,
  deviceId: number,
  announced: number | undefined,
): Promise<boolean> {
  const held = await ownDeviceList(stores);
  if (!held) return false; // a profile from before signed lists: nothing to catch up with
  return !held.device(deviceId) || (announced !== undefined && announced > held.version);
}

/**
 * Fetches, verifies and (when newer) stages our own list for the caller's
 * commit; returns the list to judge by. Throws ClientError 'DeviceListRefused'
 * when the served list is not ours, not signed by our key, or older; a
 * failed fetch throws as the transport does (the message waits for a retry).
 * @example const list = await refreshOwnDeviceList(stores, served, self);
 */
export async function refreshOwnDeviceList(
  stores: ProtocolStores,
  served: ServedOwnList,
  accountId: string,
): Promise<SignedDeviceList | undefined> {
  const held = await ownDeviceList(stores);
  const bytes = await served();
  if (bytes === undefined) return held;
  let newest: SignedDeviceList;
  try {
    const own = (await stores.identities.getIdentityKeyPair()).publicKey;
    const incoming = SignedDeviceList.decode(fromBase64Url(bytes));
    newest = newestDeviceList(held, incoming, own, parseAccountId(accountId));
  } catch (e) {
    if (!(e instanceof ProtocolError) && !(e instanceof RangeError) && !(e instanceof TypeError)) throw e;
    throw new ClientError('DeviceListRefused', `the server sent a bad list of your devices (${e.message})`, {
      reason: e instanceof ProtocolError ? e.code : 'malformed',
    });
  }
  if (newest !== held) await adoptDeviceList(stores, newest);
  return newest;
}
